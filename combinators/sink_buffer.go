package combinators

import (
	"fmt"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// LostItemsError is the error of a [SinkBuffer] sink whose inner sink failed
// while items were still buffered: those items were never delivered. It
// unwraps to the inner sink's error.
type LostItemsError struct {
	Lost int   // how many buffered items were dropped
	Err  error // the inner sink's error
}

// Error says how many items were lost, and why.
func (e *LostItemsError) Error() string {
	return fmt.Sprintf("combinators: %d buffered items lost: %v", e.Lost, e.Err)
}

// Unwrap returns the inner sink's error.
func (e *LostItemsError) Unwrap() error { return e.Err }

// SinkBuffer returns a sink that accepts up to n items ahead of sink: it is ready
// while fewer than n are buffered, and hands them on to sink, in order, as
// sink becomes ready (on PollReady when full, and on PollFlush and PollClose).
// n < 1 is taken as 1.
//
// PollFlush hands every buffered item to sink and then flushes it; PollClose
// does the same and then closes it, so buffered items are delivered on close.
// If sink fails while items are still buffered, they are dropped and the
// error is a [*LostItemsError] that says how many (an item sink refused in
// StartSend counts as lost); once failed, the SinkBuffer answers the same error
// from then on. SinkBuffer is used by one task at a time.
func SinkBuffer[T any](sink stream.Sink[T], n int) stream.Sink[T] {
	return &sinkBuffer[T]{sink: sink, n: max(n, 1)}
}

type sinkBuffer[T any] struct {
	sink stream.Sink[T]
	n    int
	buf  []T // buf[head:] are buffered, oldest first
	head int
	err  error // sticky once the inner sink failed
}

func (b *sinkBuffer[T]) PollReady(cx *future.Context) future.Poll[struct{}] {
	if b.err != nil {
		return future.Fail[struct{}](b.err)
	}
	if len(b.buf)-b.head < b.n {
		return future.Ok(struct{}{})
	}
	if p := b.drain(cx); p.IsReady() && p.Err() != nil {
		return p
	}
	if len(b.buf)-b.head < b.n {
		return future.Ok(struct{}{})
	}
	return future.Pending[struct{}]() // drain left sink's wake-up arranged
}

func (b *sinkBuffer[T]) StartSend(item T) error {
	if b.err != nil {
		return b.err
	}
	if len(b.buf)-b.head >= b.n {
		return ErrSinkFull
	}
	if b.buf == nil {
		b.buf = make([]T, 0, b.n)
	}
	b.buf = append(b.buf, item)
	return nil
}

func (b *sinkBuffer[T]) PollFlush(cx *future.Context) future.Poll[struct{}] {
	if p := b.drain(cx); p.IsPending() || p.Err() != nil {
		return p
	}
	return b.fail(b.sink.PollFlush(cx))
}

func (b *sinkBuffer[T]) PollClose(cx *future.Context) future.Poll[struct{}] {
	if p := b.drain(cx); p.IsPending() || p.Err() != nil {
		return p
	}
	return b.fail(b.sink.PollClose(cx))
}

// drain hands buffered items to sink while it is ready. It answers ready when
// the buffer is empty, pending when sink is, or the error sink failed with.
func (b *sinkBuffer[T]) drain(cx *future.Context) future.Poll[struct{}] {
	if b.err != nil {
		return future.Fail[struct{}](b.err)
	}
	for b.head < len(b.buf) {
		p := b.sink.PollReady(cx)
		if p.IsPending() {
			return p
		}
		if p.Err() != nil {
			return b.fail(p)
		}
		if err := b.sink.StartSend(b.buf[b.head]); err != nil {
			return b.fail(future.Fail[struct{}](err))
		}
		var zero T
		b.buf[b.head] = zero
		b.head++
	}
	b.buf, b.head = b.buf[:0], 0
	return future.Ok(struct{}{})
}

// fail records the error of p, if any, with the count of items it loses.
func (b *sinkBuffer[T]) fail(p future.Poll[struct{}]) future.Poll[struct{}] {
	if p.Err() == nil {
		return p
	}
	b.err = p.Err()
	if lost := len(b.buf) - b.head; lost > 0 {
		b.err = &LostItemsError{Lost: lost, Err: p.Err()}
	}
	b.buf, b.head = nil, 0
	return future.Fail[struct{}](b.err)
}

// Abandon passes abandonment down to the sink it wraps (future.Abandoner),
// which gives up what it reserved for a send in progress. A sink is a handle:
// both stay usable.
func (b *sinkBuffer[T]) Abandon() {
	future.Abandon(b.sink)
}
