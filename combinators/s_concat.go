package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Concat returns a future that appends the slices s yields, in order, into
// one slice and completes with it when s ends (nil when s yields nothing or
// only empty slices), as futures 0.1's concat2 does.
//
// It is sequential, and the first item error ends it with that error; the
// slices gathered so far are dropped. Concat spends the task's budget on
// each slice, as [ForEach] does. Concat is lazy.
func Concat[T any](s stream.Stream[[]T]) future.Future[[]T] {
	return &sConcat[T]{s: s}
}

type sConcat[T any] struct {
	s   stream.Stream[[]T] // nil once complete
	out []T
}

func (c *sConcat[T]) Poll(cx *future.Context) future.Poll[[]T] {
	for c.s != nil {
		if !cx.Budget() {
			return yield[[]T](cx)
		}
		p := c.s.PollNext(cx)
		switch {
		case p.IsPending():
			return future.Pending[[]T]()
		case p.IsEnd():
			out := c.out
			c.s, c.out = nil, nil
			return future.Ok(out)
		case p.Err() != nil:
			c.s, c.out = nil, nil
			return future.Fail[[]T](p.Err())
		}
		c.out = append(c.out, p.Value()...)
	}
	return polledAfter[[]T]()
}
