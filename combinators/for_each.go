package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// ForEach returns a future that runs fn on each value of s, in order: for
// each value it polls the future fn(v) to completion before it takes the next
// value from s (futures 0.1's for_each). It completes with no error when s
// ends.
//
// The first error ends it: an item error of s, or an error of a per-item
// future; s and the per-item futures are not polled again. While a per-item
// future is pending, s is not polled. A nil future from fn is [ErrNilFuture].
//
// ForEach spends the task's budget ([future.Context.SpendBudget]) on each value;
// when the budget is spent it wakes the task and answers pending, so an
// always-ready stream cannot starve the loop. ForEach is lazy.
func ForEach[T any](s stream.Stream[T], fn func(T) future.Future[struct{}]) future.Future[struct{}] {
	return &forEach[T]{s: s, fn: fn}
}

type forEach[T any] struct {
	s   stream.Stream[T] // nil once complete
	fn  func(T) future.Future[struct{}]
	cur future.Future[struct{}] // the per-item future being run, or nil
}

func (f *forEach[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.s == nil {
		return polledAfter[struct{}]()
	}
	for {
		if f.cur != nil {
			p := f.cur.Poll(cx)
			if p.IsPending() {
				return p
			}
			f.cur = nil
			if p.Err() != nil {
				return f.finish(p.Err())
			}
		}
		if !cx.SpendBudget() {
			return yield[struct{}](cx)
		}
		p := f.s.PollNext(cx)
		switch {
		case p.IsPending():
			return future.Pending[struct{}]()
		case !p.IsItem() || p.Err() != nil:
			return f.finish(p.Err()) // the end (nil) or an item error
		}
		if f.cur = f.fn(p.Value()); f.cur == nil {
			return f.finish(ErrNilFuture)
		}
	}
}

// finish drops the stream and completes with err (nil for success).
func (f *forEach[T]) finish(err error) future.Poll[struct{}] {
	abandon(&f.s) // ended, or given up after an error
	abandon(&f.cur)
	f.fn = nil
	return future.Result(struct{}{}, err)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (f *forEach[T]) Abandon() {
	abandon(&f.s)
	abandon(&f.cur)
}
