package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Take returns a stream of the first n values of s, and then the end. Item
// errors pass through, in order, and do not count. Once n values were
// yielded, s is dropped and not polled again; Take(s, 0) ends without polling
// s. Take is lazy.
func Take[T any](s stream.Stream[T], n int) stream.Stream[T] {
	return &sTake[T]{s: s, left: n}
}

type sTake[T any] struct {
	s    stream.Stream[T] // nil once ended
	left int
}

func (t *sTake[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if t.s == nil || t.left <= 0 {
		t.s = nil // not abandoned: whoever holds it may read on
		return stream.End[T]()
	}
	p := t.s.PollNext(cx)
	switch {
	case p.IsEnd():
		t.s = nil
	case p.IsItem() && p.Err() == nil:
		t.left--
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (t *sTake[T]) Abandon() {
	abandon(&t.s)
}
