package combinators

import "github.com/eddyio/eddy/future"

// AndThen returns a future that runs f and, if f succeeds with v, then runs
// the future fn(v) and completes with its result (futures 0.1's and_then).
//
// An error of f passes through and fn is not called. fn is called once, in the
// poll where f completes, and the future it returns is polled in that same
// poll; f is never polled again after it completed. A nil future from fn makes
// AndThen fail with [ErrNilFuture]. AndThen is lazy.
func AndThen[T, U any](f future.Future[T], fn func(T) future.Future[U]) future.Future[U] {
	return &andThen[T, U]{first: f, second: andThenFn[T, U](fn)}
}

// andThen is two interface words, 32 bytes: fn waits in the place of the
// future it will make, so an idle pipeline pays for no third field.
type andThen[T, U any] struct {
	first  future.Future[T] // nil once it completed
	second future.Future[U] // fn (an andThenFn) until first completed, then fn's future; nil once that completed
}

// andThenFn is AndThen's fn, kept in the place of the future it returns
// until it is called. A func value is a pointer, so storing it in the
// interface allocates nothing. It is never polled while first runs; polled
// with no first future (AndThen(nil, fn)) it answers as a future polled
// after its completion.
type andThenFn[T, U any] func(T) future.Future[U]

func (andThenFn[T, U]) Poll(*future.Context) future.Poll[U] { return polledAfter[U]() }

func (a *andThen[T, U]) Poll(cx *future.Context) future.Poll[U] {
	if a.first != nil {
		p := a.first.Poll(cx)
		if p.IsPending() {
			return future.Pending[U]()
		}
		fn := a.second.(andThenFn[T, U])
		a.first, a.second = nil, nil
		if err := p.Err(); err != nil {
			return future.Fail[U](err)
		}
		if a.second = fn(p.Value()); a.second == nil {
			return future.Fail[U](ErrNilFuture)
		}
	}
	return pollOwned(&a.second, cx)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (a *andThen[T, U]) Abandon() {
	abandon(&a.first)
	abandon(&a.second)
}
