package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Chain returns a stream of the items of a and then, once a has ended, of
// the items of b. b is not polled before a has ended. Item errors pass
// through, in order, and end nothing. Chain is lazy.
func Chain[T any](a, b stream.Stream[T]) stream.Stream[T] {
	return &sChain[T]{a: a, b: b}
}

type sChain[T any] struct {
	a, b stream.Stream[T] // a is nil once ended, and b too
}

func (c *sChain[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if c.a != nil {
		p := c.a.PollNext(cx)
		if !p.IsEnd() {
			return p
		}
		c.a = nil
	}
	if c.b == nil {
		return stream.End[T]()
	}
	p := c.b.PollNext(cx)
	if p.IsEnd() {
		c.b = nil
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (c *sChain[T]) Abandon() {
	abandon(&c.a)
	abandon(&c.b)
}
