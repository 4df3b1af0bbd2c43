package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// IntoStream returns a stream of one item, the result of f: its value, or its
// error as an item error. The stream ends after it. IntoStream is lazy.
func IntoStream[T any](f future.Future[T]) stream.Stream[T] {
	return &intoStream[T]{f: f}
}

type intoStream[T any] struct {
	f future.Future[T] // nil once complete
}

func (s *intoStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if s.f == nil {
		return stream.End[T]()
	}
	p := s.f.Poll(cx)
	switch {
	case p.IsPending():
		return stream.Pending[T]()
	case p.Err() != nil:
		s.f = nil
		return stream.Fail[T](p.Err())
	}
	s.f = nil
	return stream.Item(p.Value())
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (s *intoStream[T]) Abandon() {
	abandon(&s.f)
}
