package combinators

import "github.com/eddyio/eddy/future"

// MapErr returns a future that is ready with fn(err) when f fails with err,
// and with f's value when f succeeds (fn is then not called).
//
// MapErr touches errors only: it never turns a failure into a success. If fn
// returns nil, the original error is kept; use [OrElse] to recover from an
// error with a value. Pending passes through untouched. MapErr is lazy.
func MapErr[T any](f future.Future[T], fn func(error) error) future.Future[T] {
	return &mapErr[T]{f: f, fn: fn}
}

type mapErr[T any] struct {
	f  future.Future[T] // nil once complete
	fn func(error) error
}

func (m *mapErr[T]) Poll(cx *future.Context) future.Poll[T] {
	if m.f == nil {
		return polledAfter[T]()
	}
	p := m.f.Poll(cx)
	if p.IsPending() {
		return p
	}
	fn := m.fn
	m.f, m.fn = nil, nil
	if err := p.Err(); err != nil {
		return future.Result(p.Value(), mapError(fn, err))
	}
	return p
}

// mapError applies fn to a non-nil err and keeps err if fn returns nil.
func mapError(fn func(error) error, err error) error {
	if mapped := fn(err); mapped != nil {
		return mapped
	}
	return err
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (m *mapErr[T]) Abandon() {
	abandon(&m.f)
}
