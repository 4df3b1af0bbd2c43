package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Chunks returns a stream of the values of s gathered into slices of n, in
// order; the last slice holds what was left when s ended, if anything. A
// slice is yielded only when it is full or s has ended: while s is pending,
// the values gathered so far wait. n < 1 is taken as 1.
//
// An item error of s is yielded in order: the values gathered before it are
// yielded first as a short slice, then the error on the next poll. No error
// ends it. Each slice yielded is new and belongs to the caller. Chunks spends
// the task's budget on each value and yields when it is spent. Chunks is
// lazy.
func Chunks[T any](s stream.Stream[T], n int) stream.Stream[[]T] {
	return &sChunks[T]{s: s, n: max(n, 1)}
}

// chunkPrealloc bounds the capacity a chunk starts with, so that a large n
// costs only the values that arrive, not n of them up front.
const chunkPrealloc = 1024

type sChunks[T any] struct {
	s   stream.Stream[T] // nil once ended
	n   int
	buf []T
	err error // an item error held until the slice before it was yielded
}

func (c *sChunks[T]) PollNext(cx *future.Context) stream.Poll[[]T] {
	if c.err != nil {
		err := c.err
		c.err = nil
		return stream.Fail[[]T](err)
	}
	for c.s != nil {
		p := c.s.PollNext(cx)
		switch {
		case p.IsPending():
			return stream.Pending[[]T]()
		case p.IsEnd():
			c.s = nil
			return c.flush(stream.End[[]T]())
		case p.Err() != nil:
			if len(c.buf) == 0 {
				return stream.Fail[[]T](p.Err())
			}
			c.err = p.Err()
			return c.flush(stream.Pending[[]T]())
		}
		if c.buf == nil {
			c.buf = make([]T, 0, min(c.n, chunkPrealloc))
		}
		if c.buf = append(c.buf, p.Value()); len(c.buf) == c.n {
			return c.flush(stream.Pending[[]T]())
		}
		if !cx.SpendBudget() {
			return sYield[[]T](cx)
		}
	}
	return stream.End[[]T]()
}

// flush yields the gathered values, or answers otherwise when there are none.
func (c *sChunks[T]) flush(otherwise stream.Poll[[]T]) stream.Poll[[]T] {
	if len(c.buf) == 0 {
		return otherwise
	}
	out := c.buf
	c.buf = nil
	return stream.Item(out)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (c *sChunks[T]) Abandon() {
	abandon(&c.s)
}
