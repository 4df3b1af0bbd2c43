package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Peekable returns a stream of the items of s that can also look at its next
// item without taking it ([PeekableStream.Peek]). It is lazy.
func Peekable[T any](s stream.Stream[T]) *PeekableStream[T] {
	return &PeekableStream[T]{s: s}
}

// PeekableStream is the stream returned by [Peekable]. It is used by one task
// at a time.
type PeekableStream[T any] struct {
	s      stream.Stream[T] // nil once ended
	peeked stream.Poll[T]   // the item Peek took from s, or pending
}

// Peek answers what the next PollNext will: the next item (value or item
// error), the end, or pending. An item is kept, not taken: polling Peek again
// answers the same item without polling s, until PollNext takes it.
func (p *PeekableStream[T]) Peek(cx *future.Context) stream.Poll[T] {
	if p.peeked.IsPending() {
		p.peeked = p.pollInner(cx)
	}
	return p.peeked
}

// PollNext yields the item Peek saw, if any, and otherwise the next item of
// s.
func (p *PeekableStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if q := p.peeked; !q.IsPending() {
		if q.IsItem() {
			p.peeked = stream.Pending[T]()
		}
		return q
	}
	return p.pollInner(cx)
}

func (p *PeekableStream[T]) pollInner(cx *future.Context) stream.Poll[T] {
	if p.s == nil {
		return stream.End[T]()
	}
	q := p.s.PollNext(cx)
	if q.IsEnd() {
		p.s = nil
	}
	return q
}

// Abandon tells the stream it holds that it is given up (future.Abandoner);
// it is not polled again.
func (p *PeekableStream[T]) Abandon() {
	abandon(&p.s)
}
