package combinators

import "github.com/eddyio/eddy/future"

// Inspect returns a future that completes as f does and, if f succeeds with
// v, calls fn(v) first: a look at the value on its way through (logging,
// metrics). An error of f passes through and fn is not called. Inspect is
// lazy.
func Inspect[T any](f future.Future[T], fn func(T)) future.Future[T] {
	return &inspect[T]{f: f, fn: fn}
}

type inspect[T any] struct {
	f  future.Future[T] // nil once complete
	fn func(T)
}

func (i *inspect[T]) Poll(cx *future.Context) future.Poll[T] {
	if i.f == nil {
		return polledAfter[T]()
	}
	p := i.f.Poll(cx)
	if p.IsPending() {
		return p
	}
	fn := i.fn
	i.f, i.fn = nil, nil
	if p.Err() == nil {
		fn(p.Value())
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (i *inspect[T]) Abandon() {
	abandon(&i.f)
}
