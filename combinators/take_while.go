package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// TakeWhile returns a stream of the values of s while pred reports true for
// them; it ends at the first value for which pred reports false, which it
// drops along with s (s is not polled again). Item errors pass through, in
// order, without calling pred. TakeWhile is lazy.
func TakeWhile[T any](s stream.Stream[T], pred func(T) bool) stream.Stream[T] {
	return &sTakeWhile[T]{s: s, pred: pred}
}

type sTakeWhile[T any] struct {
	s    stream.Stream[T] // nil once ended
	pred func(T) bool
}

func (t *sTakeWhile[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if t.s == nil {
		return stream.End[T]()
	}
	p := t.s.PollNext(cx)
	if p.IsEnd() || (p.IsItem() && p.Err() == nil && !t.pred(p.Value())) {
		t.s, t.pred = nil, nil // not abandoned: whoever holds it may read on
		return stream.End[T]()
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (t *sTakeWhile[T]) Abandon() {
	abandon(&t.s)
}
