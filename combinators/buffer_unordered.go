package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// BufferUnordered returns a stream that runs the futures s yields, up to n at
// once, within the polling task, and yields their results in the order they
// complete (futures 0.1's buffer_unordered): a value as an item, an error as
// an item error. n < 1 is taken as 1.
//
// s is polled for another future only while fewer than n are running; each
// running future is polled only when its own wake-up fired
// ([FuturesUnordered]). Item errors of s pass through as they come. No error
// ends it; it ends when s has ended and every future has completed. A nil
// future from s yields [ErrNilFuture] as an item error. It spends the task's
// budget on each future it takes from s and each it polls. BufferUnordered is
// lazy.
func BufferUnordered[T any](s stream.Stream[future.Future[T]], n int) stream.Stream[T] {
	return &sBufferUnordered[T]{s: s, n: max(n, 1)}
}

type sBufferUnordered[T any] struct {
	s   stream.Stream[future.Future[T]] // nil once ended
	n   int
	set *FuturesUnordered[T] // made on the first poll
}

func (b *sBufferUnordered[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if b.set == nil {
		b.set = NewFuturesUnordered[T]()
	}
	return sBufferPoll(cx, &b.s, b.n, b.set)
}

// sBufferSet is what BufferUnordered and Buffered run their futures in.
type sBufferSet[T any] interface {
	stream.Stream[T]
	Len() int
	Push(future.Future[T])
}

// sBufferPoll is the poll of BufferUnordered and Buffered: fill set from *s
// up to n futures, then poll set.
func sBufferPoll[T any](cx *future.Context, s *stream.Stream[future.Future[T]], n int, set sBufferSet[T]) stream.Poll[T] {
	for *s != nil && set.Len() < n {
		if !cx.SpendBudget() {
			return sYield[T](cx)
		}
		p := (*s).PollNext(cx)
		if p.IsPending() {
			break
		}
		if p.IsEnd() {
			*s = nil
			break
		}
		if p.Err() != nil {
			return stream.Fail[T](p.Err())
		}
		f := p.Value()
		if f == nil {
			return stream.Fail[T](ErrNilFuture)
		}
		set.Push(f)
	}
	if set.Len() == 0 {
		if *s == nil {
			return stream.End[T]()
		}
		return stream.Pending[T]() // s is pending
	}
	return set.PollNext(cx)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (b *sBufferUnordered[T]) Abandon() {
	abandon(&b.s)
	if b.set != nil {
		b.set.Abandon()
	}
}
