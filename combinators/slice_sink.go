package combinators

import (
	"errors"

	"github.com/eddyio/eddy/future"
)

// ErrSinkFull is the error of StartSend on a sink that was not ready: the
// caller skipped PollReady. The item is refused, and the caller still holds
// it.
var ErrSinkFull = errors.New("combinators: send on a sink that is not ready")

// ErrSinkClosed is the error of a sink used after it was closed.
var ErrSinkClosed = errors.New("combinators: send on a closed sink")

// SliceSink is a [stream.Sink] that appends the items sent into it to a
// slice. It is always ready and flushing does nothing; after PollClose,
// sending fails with [ErrSinkClosed]. It suits tests and examples.
type SliceSink[T any] struct {
	items  []T
	closed bool
}

// NewSliceSink returns an empty, open SliceSink.
func NewSliceSink[T any]() *SliceSink[T] { return &SliceSink[T]{} }

// Items returns the items sent so far, in order. The slice is the sink's own.
func (s *SliceSink[T]) Items() []T { return s.items }

// Closed reports whether the sink was closed.
func (s *SliceSink[T]) Closed() bool { return s.closed }

// PollReady is ready, or fails with ErrSinkClosed once the sink is closed.
func (s *SliceSink[T]) PollReady(*future.Context) future.Poll[struct{}] {
	if s.closed {
		return future.Fail[struct{}](ErrSinkClosed)
	}
	return future.Ok(struct{}{})
}

// StartSend appends item, or fails with ErrSinkClosed once the sink is
// closed.
func (s *SliceSink[T]) StartSend(item T) error {
	if s.closed {
		return ErrSinkClosed
	}
	s.items = append(s.items, item)
	return nil
}

// PollFlush is ready: the items are already in the slice.
func (s *SliceSink[T]) PollFlush(*future.Context) future.Poll[struct{}] {
	return future.Ok(struct{}{})
}

// PollClose closes the sink and is ready. Closing twice is harmless.
func (s *SliceSink[T]) PollClose(*future.Context) future.Poll[struct{}] {
	s.closed = true
	return future.Ok(struct{}{})
}
