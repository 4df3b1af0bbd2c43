package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Fold returns a future that combines the values of s into an accumulator:
// starting from init, for each value v it runs the future fn(acc, v) to
// completion and takes its value as the new accumulator. It completes with
// the last accumulator when s ends (init for an empty stream).
//
// The first error ends it: an item error of s, or an error of a future from
// fn; s and the futures are not polled again. While a future from fn is
// pending, s is not polled. A nil future from fn is [ErrNilFuture].
//
// Fold spends the task's budget on each value, as [ForEach] does. Fold is
// lazy.
func Fold[T, A any](s stream.Stream[T], init A, fn func(A, T) future.Future[A]) future.Future[A] {
	return &fold[T, A]{s: s, fn: fn, acc: init}
}

type fold[T, A any] struct {
	s   stream.Stream[T] // nil once complete
	fn  func(A, T) future.Future[A]
	acc A
	cur future.Future[A] // computing the next accumulator, or nil
}

func (f *fold[T, A]) Poll(cx *future.Context) future.Poll[A] {
	if f.s == nil {
		return polledAfter[A]()
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
			f.acc = p.Value()
		}
		if !cx.SpendBudget() {
			return yield[A](cx)
		}
		p := f.s.PollNext(cx)
		switch {
		case p.IsPending():
			return future.Pending[A]()
		case !p.IsItem() || p.Err() != nil:
			return f.finish(p.Err()) // the end (nil) or an item error
		}
		if f.cur = f.fn(f.acc, p.Value()); f.cur == nil {
			return f.finish(ErrNilFuture)
		}
	}
}

// finish drops the stream and completes with the accumulator, or with err.
func (f *fold[T, A]) finish(err error) future.Poll[A] {
	var zero A
	acc := f.acc
	abandon(&f.s) // ended, or given up after an error
	abandon(&f.cur)
	f.fn, f.acc = nil, zero
	if err != nil {
		return future.Fail[A](err)
	}
	return future.Ok(acc)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (f *fold[T, A]) Abandon() {
	abandon(&f.s)
	abandon(&f.cur)
}
