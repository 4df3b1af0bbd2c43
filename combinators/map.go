package combinators

import "github.com/eddyio/eddy/future"

// Map returns a future that is ready with fn(v) once f is ready with v.
//
// An error of f passes through unchanged and fn is not called. Pending passes
// through untouched. Map is lazy: building it calls nothing and polls nothing.
// fn runs at most once, during the poll in which f completes.
func Map[T, U any](f future.Future[T], fn func(T) U) future.Future[U] {
	return &mapFuture[T, U]{f: f, fn: fn}
}

type mapFuture[T, U any] struct {
	f  future.Future[T] // nil once complete
	fn func(T) U
}

func (m *mapFuture[T, U]) Poll(cx *future.Context) future.Poll[U] {
	if m.f == nil {
		return polledAfter[U]()
	}
	p := m.f.Poll(cx)
	if p.IsPending() {
		return future.Pending[U]()
	}
	fn := m.fn
	m.f, m.fn = nil, nil
	if err := p.Err(); err != nil {
		return future.Fail[U](err)
	}
	return future.Ok(fn(p.Value()))
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (m *mapFuture[T, U]) Abandon() {
	abandon(&m.f)
}
