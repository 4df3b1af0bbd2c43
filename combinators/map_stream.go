package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// MapStream returns a stream of fn(v) for each value v of s.
//
// Item errors, the end and pending pass through unchanged, and fn is not
// called for them. fn runs once per value, in the poll that yields it.
// MapStream is lazy: building it calls nothing and polls nothing.
func MapStream[T, U any](s stream.Stream[T], fn func(T) U) stream.Stream[U] {
	return &mapStream[T, U]{s: s, fn: fn}
}

type mapStream[T, U any] struct {
	s  stream.Stream[T] // nil once ended
	fn func(T) U
}

func (m *mapStream[T, U]) PollNext(cx *future.Context) stream.Poll[U] {
	if m.s == nil {
		return stream.End[U]()
	}
	p := m.s.PollNext(cx)
	switch {
	case p.IsPending():
		return stream.Pending[U]()
	case p.IsEnd():
		m.s, m.fn = nil, nil
		return stream.End[U]()
	case p.Err() != nil:
		return stream.Fail[U](p.Err())
	}
	return stream.Item(m.fn(p.Value()))
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (m *mapStream[T, U]) Abandon() {
	abandon(&m.s)
}
