package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Indexed is a value of a stream with its position, as [Enumerate] yields
// it.
type Indexed[T any] struct {
	Index int // 0 for the first value
	Value T
}

// Enumerate returns a stream of the values of s, each with its index: 0 for
// the first value, 1 for the next, and so on. Item errors pass through, in
// order, and take no index. Enumerate is lazy.
func Enumerate[T any](s stream.Stream[T]) stream.Stream[Indexed[T]] {
	return &sEnumerate[T]{s: s}
}

type sEnumerate[T any] struct {
	s stream.Stream[T] // nil once ended
	i int
}

func (e *sEnumerate[T]) PollNext(cx *future.Context) stream.Poll[Indexed[T]] {
	if e.s == nil {
		return stream.End[Indexed[T]]()
	}
	p := e.s.PollNext(cx)
	switch {
	case p.IsPending():
		return stream.Pending[Indexed[T]]()
	case p.IsEnd():
		e.s = nil
		return stream.End[Indexed[T]]()
	case p.Err() != nil:
		return stream.Fail[Indexed[T]](p.Err())
	}
	e.i++
	return stream.Item(Indexed[T]{Index: e.i - 1, Value: p.Value()})
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (e *sEnumerate[T]) Abandon() {
	abandon(&e.s)
}
