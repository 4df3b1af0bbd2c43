package combinators

import "github.com/eddyio/eddy/future"

// OrElse returns a future that runs f and, if f fails with err, then runs the
// future fn(err) and completes with its result (futures 0.1's or_else). It is
// how a pipeline recovers from an error.
//
// A value of f passes through and fn is not called. fn is called once, in the
// poll where f fails, and the future it returns is polled in that same poll.
// A nil future from fn makes OrElse fail with [ErrNilFuture]. OrElse is lazy.
func OrElse[T any](f future.Future[T], fn func(error) future.Future[T]) future.Future[T] {
	return &orElse[T]{first: f, fn: fn}
}

type orElse[T any] struct {
	first  future.Future[T] // nil once it completed
	fn     func(error) future.Future[T]
	second future.Future[T] // nil until fn ran, and once it completed
}

func (o *orElse[T]) Poll(cx *future.Context) future.Poll[T] {
	if o.first != nil {
		p := o.first.Poll(cx)
		if p.IsPending() {
			return p
		}
		fn := o.fn
		o.first, o.fn = nil, nil
		if p.Err() == nil {
			return p
		}
		if o.second = fn(p.Err()); o.second == nil {
			return future.Fail[T](ErrNilFuture)
		}
	}
	return pollOwned(&o.second, cx)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (o *orElse[T]) Abandon() {
	abandon(&o.first)
	abandon(&o.second)
}
