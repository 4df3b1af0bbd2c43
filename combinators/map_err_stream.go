package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// MapErrStream returns a stream that replaces each item error err of s with
// fn(err). Values, the end and pending pass through unchanged.
//
// Like [MapErr], it never turns an error into a value: if fn returns nil, the
// original error is kept. MapErrStream is lazy.
func MapErrStream[T any](s stream.Stream[T], fn func(error) error) stream.Stream[T] {
	return &mapErrStream[T]{s: s, fn: fn}
}

type mapErrStream[T any] struct {
	s  stream.Stream[T] // nil once ended
	fn func(error) error
}

func (m *mapErrStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if m.s == nil {
		return stream.End[T]()
	}
	p := m.s.PollNext(cx)
	if p.IsEnd() {
		m.s, m.fn = nil, nil
	}
	if err := p.Err(); err != nil {
		return stream.Fail[T](mapError(m.fn, err))
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (m *mapErrStream[T]) Abandon() {
	abandon(&m.s)
}
