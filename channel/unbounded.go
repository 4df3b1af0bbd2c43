package channel

import (
	"runtime"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Unbounded returns the two ends of a multi-producer, single-consumer
// channel whose buffer grows as needed: a send never waits. Prefer
// [Bounded] where a fast producer could outrun the consumer.
func Unbounded[T any]() (*UnboundedSender[T], *Receiver[T]) {
	c := &core[T]{senders: 1}
	return newUnboundedSender(newSenderState(c)), newReceiver(c)
}

// UnboundedSender is a sending end of an unbounded channel. It is a
// [stream.Sink] that is always ready. Like [Sender], each producer clones
// its own and every one must be closed when it is done; Send, Clone and
// Close are safe from any goroutine.
type UnboundedSender[T any] struct {
	s       *senderState[T]
	cleanup runtime.Cleanup
}

func newUnboundedSender[T any](s *senderState[T]) *UnboundedSender[T] {
	h := &UnboundedSender[T]{s: s}
	if !s.done {
		h.cleanup = runtime.AddCleanup(h, (*senderState[T]).close, s)
	}
	return h
}

// Send sends v at once, from a task or any goroutine. It fails with
// [ErrClosed] when the receiver or this sender is closed.
func (s *UnboundedSender[T]) Send(v T) error {
	err := s.s.trySend(v)
	runtime.KeepAlive(s) // the cleanup must not close s meanwhile
	return err
}

// Clone returns a new sender on the same channel, to be closed on its own.
// Cloning a closed sender returns a closed sender.
func (s *UnboundedSender[T]) Clone() *UnboundedSender[T] {
	c := newUnboundedSender(s.s.clone())
	runtime.KeepAlive(s)
	return c
}

// Close closes this sender; when the last one is closed, the receiver's
// stream ends once the buffer is drained. Close is idempotent.
func (s *UnboundedSender[T]) Close() {
	s.cleanup.Stop()
	s.s.close()
}

// PollReady answers ready unless the receiver or this sender is closed, in
// which case it fails with [ErrClosed].
func (s *UnboundedSender[T]) PollReady(cx *future.Context) future.Poll[struct{}] {
	return s.PollFlush(cx)
}

// StartSend sends item; it is Send.
func (s *UnboundedSender[T]) StartSend(item T) error { return s.Send(item) }

// PollFlush answers ready: a sent item is in the channel's buffer already.
// It fails with [ErrClosed] when the receiver or this sender is closed.
func (s *UnboundedSender[T]) PollFlush(*future.Context) future.Poll[struct{}] {
	p := s.s.pollFlush()
	runtime.KeepAlive(s)
	return p
}

// PollClose closes the sender (see Close) and answers ready.
func (s *UnboundedSender[T]) PollClose(*future.Context) future.Poll[struct{}] {
	s.Close()
	return future.Ok(struct{}{})
}

// PollClosed answers ready once the receiver has been closed (or this
// sender has); until then it is pending with the task's waker registered.
func (s *UnboundedSender[T]) PollClosed(cx *future.Context) future.Poll[struct{}] {
	p := s.s.pollClosed(cx)
	runtime.KeepAlive(s)
	return p
}

// Closed returns a future that completes once the receiver has been closed
// (see PollClosed). Abandoned while it waits (future.Abandoner), it
// withdraws its waker.
func (s *UnboundedSender[T]) Closed() future.Future[struct{}] {
	return &waitFuture{h: s}
}

var _ stream.Sink[int] = (*UnboundedSender[int])(nil)
