package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Collect returns a future that gathers the values of s into a slice, in
// order, and completes with it when s ends (nil for an empty stream, as
// slices.Collect does).
//
// The first item error ends it with that error, and the values gathered so
// far are dropped. Collect spends the task's budget on each value, as
// [ForEach] does. Collect is lazy.
func Collect[T any](s stream.Stream[T]) future.Future[[]T] {
	return &collect[T]{s: s}
}

type collect[T any] struct {
	s     stream.Stream[T] // nil once complete
	items []T
}

func (c *collect[T]) Poll(cx *future.Context) future.Poll[[]T] {
	for c.s != nil {
		if !cx.Budget() {
			return yield[[]T](cx)
		}
		p := c.s.PollNext(cx)
		switch {
		case p.IsPending():
			return future.Pending[[]T]()
		case p.IsEnd():
			items := c.items
			c.s, c.items = nil, nil
			return future.Ok(items)
		case p.Err() != nil:
			c.s, c.items = nil, nil
			return future.Fail[[]T](p.Err())
		}
		c.items = append(c.items, p.Value())
	}
	return polledAfter[[]T]()
}
