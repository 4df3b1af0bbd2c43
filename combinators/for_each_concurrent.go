package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// ForEachConcurrent returns a future that runs the future fn(v) for each value
// v of s, up to n of them at once, within the polling task (futures 0.3's
// for_each_concurrent); n <= 0 means no limit. It completes with no error once
// s has ended and every per-item future has completed.
//
// The per-item futures run concurrently and complete in any order; each is
// polled only when its own wake-up fired ([FuturesUnordered]). s is polled
// for a new value only while fewer than n futures are running. The first
// error ends it: an item error of s or an error of a per-item future; the
// futures still running are dropped, not polled again. A nil future from fn
// is [ErrNilFuture].
//
// ForEachConcurrent spends the task's budget on each value it takes from s
// and each future it polls. It is lazy.
func ForEachConcurrent[T any](s stream.Stream[T], n int, fn func(T) future.Future[struct{}]) future.Future[struct{}] {
	return &sForEachConcurrent[T]{s: s, n: n, fn: fn}
}

type sForEachConcurrent[T any] struct {
	s    stream.Stream[T] // nil once s ended
	n    int
	fn   func(T) future.Future[struct{}]
	set  *FuturesUnordered[struct{}] // made on the first poll
	done bool
}

func (f *sForEachConcurrent[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.done {
		return polledAfter[struct{}]()
	}
	if f.set == nil {
		f.set = NewFuturesUnordered[struct{}]()
	}
	for {
		for f.s != nil && (f.n <= 0 || f.set.Len() < f.n) {
			if !cx.SpendBudget() {
				return yield[struct{}](cx)
			}
			p := f.s.PollNext(cx)
			if p.IsPending() {
				break
			}
			if p.IsEnd() {
				f.s = nil
				break
			}
			if p.Err() != nil {
				return f.finish(p.Err())
			}
			next := f.fn(p.Value())
			if next == nil {
				return f.finish(ErrNilFuture)
			}
			f.set.Push(next)
		}
		if f.set.Len() == 0 {
			if f.s == nil {
				return f.finish(nil)
			}
			return future.Pending[struct{}]() // s is pending
		}
		p := f.set.PollNext(cx)
		if p.IsPending() {
			return future.Pending[struct{}]()
		}
		if p.Err() != nil {
			return f.finish(p.Err())
		}
	}
}

// finish drops everything and completes with err (nil for success).
func (f *sForEachConcurrent[T]) finish(err error) future.Poll[struct{}] {
	abandon(&f.s)
	abandon(&f.set)
	*f = sForEachConcurrent[T]{done: true}
	return future.Result(struct{}{}, err)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (f *sForEachConcurrent[T]) Abandon() {
	abandon(&f.s)
	if f.set != nil {
		f.set.Abandon()
	}
	f.done = true
}
