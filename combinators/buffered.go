package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Buffered returns a stream that runs the futures s yields, up to n at once,
// within the polling task, and yields their results in the order s yielded
// the futures (futures 0.1's buffered): a value as an item, an error as an
// item error. A result that completes early is held until the results before
// it were yielded. n < 1 is taken as 1.
//
// s is polled for another future only while fewer than n results are running
// or held; each running future is polled only when its own wake-up fired
// ([FuturesOrdered]). Item errors of s pass through as they come. No error
// ends it; it ends when s has ended and every result was yielded. A nil
// future from s yields [ErrNilFuture] as an item error. It spends the task's
// budget on each future it takes from s and each it polls. Buffered is lazy.
func Buffered[T any](s stream.Stream[future.Future[T]], n int) stream.Stream[T] {
	return &sBuffered[T]{s: s, n: max(n, 1)}
}

type sBuffered[T any] struct {
	s   stream.Stream[future.Future[T]] // nil once ended
	n   int
	set *FuturesOrdered[T] // made on the first poll
}

func (b *sBuffered[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if b.set == nil {
		b.set = NewFuturesOrdered[T]()
	}
	return sBufferPoll(cx, &b.s, b.n, b.set)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (b *sBuffered[T]) Abandon() {
	abandon(&b.s)
	if b.set != nil {
		b.set.Abandon()
	}
}
