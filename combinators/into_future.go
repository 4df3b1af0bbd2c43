package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Head is the outcome of [IntoFuture]: the first item of a stream and the
// stream itself, to be polled on for the rest.
type Head[T any] struct {
	// Item is the first answer of the stream that was not pending: a value,
	// an item error, or the end.
	Item stream.Poll[T]
	// Rest is the stream, positioned after Item.
	Rest stream.Stream[T]
}

// IntoFuture returns a future that waits for the first item of s (a value, an
// item error or the end) and completes with it and with s, handed back for
// the rest (futures 0.1's into_future). The future itself never fails: an
// item error is in [Head.Item], so the stream is never lost. It is lazy.
func IntoFuture[T any](s stream.Stream[T]) *StreamFuture[T] {
	return &StreamFuture[T]{s: s}
}

// StreamFuture is the future returned by [IntoFuture].
type StreamFuture[T any] struct {
	s    stream.Stream[T] // nil once complete
	done bool
}

// Poll polls the stream once and completes when it answered anything but
// pending.
func (f *StreamFuture[T]) Poll(cx *future.Context) future.Poll[Head[T]] {
	if f.done {
		return polledAfter[Head[T]]()
	}
	p := f.s.PollNext(cx)
	if p.IsPending() {
		return future.Pending[Head[T]]()
	}
	s := f.s
	f.s, f.done = nil, true
	return future.Ok(Head[T]{Item: p, Rest: s})
}

// Into gives the stream back without waiting for an item, if the future has
// not completed; after it, the future fails as if polled after completion.
func (f *StreamFuture[T]) Into() (stream.Stream[T], bool) {
	s := f.s
	f.s, f.done = nil, true
	return s, s != nil
}

// Abandon tells the stream it holds that it is given up (future.Abandoner);
// it is not polled again.
func (f *StreamFuture[T]) Abandon() {
	abandon(&f.s)
}
