package channel

import (
	"runtime"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Bounded returns the two ends of a multi-producer, single-consumer channel
// that buffers at most capacity values. A send waits while the channel is
// full. The capacity is exactly what was asked, however many senders are
// cloned (see the package doc). Bounded panics if capacity is less than 1.
//
// Making a channel starts nothing; the buffer is allocated as it fills.
func Bounded[T any](capacity int) (*Sender[T], *Receiver[T]) {
	if capacity < 1 {
		panic("channel: Bounded capacity must be at least 1")
	}
	c := &core[T]{capacity: capacity, senders: 1}
	return newSender(newSenderState(c)), newReceiver(c)
}

// Sender is a sending end of a bounded channel. It is a [stream.Sink]: a
// send waits in PollReady while the channel is full, and the slot PollReady
// reserves is kept for the next StartSend, so an item is never refused.
//
// Each producer uses its own Sender, made with Clone, one task or goroutine
// at a time; Clone, Close and TrySend are safe from any goroutine. Every
// Sender must be closed when it is done (see the package doc).
type Sender[T any] struct {
	s       *senderState[T]
	cleanup runtime.Cleanup
}

func newSender[T any](s *senderState[T]) *Sender[T] {
	h := &Sender[T]{s: s}
	if !s.done {
		h.cleanup = runtime.AddCleanup(h, (*senderState[T]).close, s)
	}
	return h
}

// Clone returns a new Sender on the same channel, to be closed on its own.
// The capacity of the channel does not change. Cloning a closed Sender
// returns a closed Sender.
func (s *Sender[T]) Clone() *Sender[T] {
	c := newSender(s.s.clone())
	runtime.KeepAlive(s)
	return c
}

// Close closes this Sender: it leaves the queue of waiting senders, hands a
// slot it had reserved to the next waiting sender, and, if it was the last
// open Sender, lets the receiver's stream end once the buffer is drained.
// Close is idempotent.
func (s *Sender[T]) Close() {
	s.cleanup.Stop()
	s.s.close()
}

// PollReady answers ready once the Sender holds a reserved slot, which the
// next StartSend or TrySend fills. While the channel is full it answers
// pending, with the task queued behind the senders already waiting. It fails
// with [ErrClosed] when the receiver or this Sender is closed.
func (s *Sender[T]) PollReady(cx *future.Context) future.Poll[struct{}] {
	p := s.s.pollReady(cx)
	runtime.KeepAlive(s) // the cleanup must not close s meanwhile
	return p
}

// StartSend sends item in the slot PollReady reserved. Without a reserved
// slot it behaves as TrySend.
func (s *Sender[T]) StartSend(item T) error { return s.TrySend(item) }

// PollFlush answers ready: a sent item is in the channel's buffer already.
// It fails with [ErrClosed] when the receiver or this Sender is closed.
func (s *Sender[T]) PollFlush(*future.Context) future.Poll[struct{}] {
	p := s.s.pollFlush()
	runtime.KeepAlive(s)
	return p
}

// PollClose closes the Sender (see Close) and answers ready.
func (s *Sender[T]) PollClose(*future.Context) future.Poll[struct{}] {
	s.Close()
	return future.Ok(struct{}{})
}

// TrySend sends v without waiting: in this Sender's reserved slot if it has
// one, else in a free slot. It fails with [ErrFull] when no slot is free
// (a free slot is first handed to the senders already waiting) and with
// [ErrClosed] when the receiver or this Sender is closed.
func (s *Sender[T]) TrySend(v T) error {
	err := s.s.trySend(v)
	runtime.KeepAlive(s)
	return err
}

// SendBlocking sends v, blocking the calling goroutine while the channel is
// full (it sleeps; it does not spin). It fails with [ErrClosed] when the
// receiver or this Sender is closed. It is for ordinary goroutines: a task
// must not block its loop, and uses Send or PollReady instead.
func (s *Sender[T]) SendBlocking(v T) error {
	err := s.s.sendBlocking(v)
	runtime.KeepAlive(s)
	return err
}

// CancelReady withdraws the Sender from the queue of waiting senders and
// hands a slot it reserved, but did not fill, to the next waiting sender.
// Call it when a send is given up (a Send future dropped by a Select or a
// timeout) and the Sender lives on unused; Close does it too.
func (s *Sender[T]) CancelReady() {
	s.s.cancelReady()
	runtime.KeepAlive(s)
}

// PollClosed answers ready once the receiver has been closed (or this
// Sender has), so a producer can stop working for nobody; until then it is
// pending with the task's waker registered.
func (s *Sender[T]) PollClosed(cx *future.Context) future.Poll[struct{}] {
	p := s.s.pollClosed(cx)
	runtime.KeepAlive(s)
	return p
}

// Closed returns a future that completes once the receiver has been closed
// (see PollClosed). Abandoned while it waits (future.Abandoner), it
// withdraws its waker.
func (s *Sender[T]) Closed() future.Future[struct{}] {
	return &waitFuture{h: s}
}

// Send returns a future that waits for a slot and sends v, and fails with
// [ErrClosed] if the receiver is closed first. It is lazy: nothing is
// reserved or sent before its first poll. It completes when v is in the
// channel, not when v is received.
func (s *Sender[T]) Send(v T) future.Future[struct{}] { return &sendFuture[T]{s: s, v: v} }

type sendFuture[T any] struct {
	s    *Sender[T] // the handle, which keeps the sender open
	v    T
	done bool
}

func (f *sendFuture[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.done {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	if p := f.s.PollReady(cx); p.IsPending() {
		return p
	} else if p.Err() != nil {
		f.done = true
		return p
	}
	f.done = true
	var zero T
	v := f.v
	f.v = zero
	return future.Result(struct{}{}, f.s.TrySend(v))
}

// Abandon gives up a send in progress (future.Abandoner): the slot it
// reserved in PollReady, if any, goes to the next waiting sender. The item is
// not sent.
func (f *sendFuture[T]) Abandon() {
	if f.done {
		return
	}
	f.done = true
	var zero T
	f.v = zero
	f.s.CancelReady()
}

// Abandon is [Sender.CancelReady] (future.Abandoner): a combinator that gives
// up the Sender as a sink (a Forward or SinkSend abandoned) hands the slot
// it reserved on. The Sender stays open; Close still closes it.
func (s *Sender[T]) Abandon() { s.CancelReady() }

var _ stream.Sink[int] = (*Sender[int])(nil)
