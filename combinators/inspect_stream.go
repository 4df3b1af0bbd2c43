package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// InspectStream returns a stream that yields the items of s unchanged and
// calls fn(v) on each value v before yielding it. Item errors, the end and
// pending pass through without calling fn. InspectStream is lazy.
func InspectStream[T any](s stream.Stream[T], fn func(T)) stream.Stream[T] {
	return &inspectStream[T]{s: s, fn: fn}
}

type inspectStream[T any] struct {
	s  stream.Stream[T] // nil once ended
	fn func(T)
}

func (i *inspectStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if i.s == nil {
		return stream.End[T]()
	}
	p := i.s.PollNext(cx)
	switch {
	case p.IsEnd():
		i.s, i.fn = nil, nil
	case p.IsItem() && p.Err() == nil:
		i.fn(p.Value())
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (i *inspectStream[T]) Abandon() {
	abandon(&i.s)
}
