package channel

import (
	"runtime"

	"github.com/eddyio/eddy/future"
)

// waitHandle is a handle with one wait a future can be made of: a sender's
// Closed, a watch receiver's Changed.
type waitHandle interface {
	pollWait(cx *future.Context) future.Poll[struct{}] // the wait's poll method
	withdrawWait()                                     // takes back the waker a pending pollWait parked
}

// waitFuture is the future of a handle's wait, told when it is abandoned
// (future.Abandoner): it withdraws the handle's waker, so that the event
// wakes nobody. It is one allocation, as the PollFn of a method value it
// replaces was.
type waitFuture struct{ h waitHandle }

func (f *waitFuture) Poll(cx *future.Context) future.Poll[struct{}] { return f.h.pollWait(cx) }

// Abandon withdraws the parked waker; the handle is not closed.
func (f *waitFuture) Abandon() { f.h.withdrawWait() }

// withdrawClosed takes s out of the queue of senders waiting in
// PollClosed. Each sender handle has its own place in that queue, so this
// withdraws no other handle's wait.
func (s *senderState[T]) withdrawClosed() {
	c := s.c
	c.mu.Lock()
	c.closedq.Remove(&s.closed)
	s.closed.waker = nil
	c.mu.Unlock()
}

func (s *Sender[T]) pollWait(cx *future.Context) future.Poll[struct{}] { return s.PollClosed(cx) }

func (s *Sender[T]) withdrawWait() {
	s.s.withdrawClosed()
	runtime.KeepAlive(s)
}

func (s *UnboundedSender[T]) pollWait(cx *future.Context) future.Poll[struct{}] {
	return s.PollClosed(cx)
}

func (s *UnboundedSender[T]) withdrawWait() {
	s.s.withdrawClosed()
	runtime.KeepAlive(s)
}

func (r *WatchReceiver[T]) pollWait(cx *future.Context) future.Poll[struct{}] {
	return r.PollChanged(cx)
}

func (r *WatchReceiver[T]) withdrawWait() { r.Abandon() }

var (
	_ future.Abandoner = (*waitFuture)(nil)
	_ waitHandle       = (*Sender[int])(nil)
	_ waitHandle       = (*UnboundedSender[int])(nil)
	_ waitHandle       = (*WatchReceiver[int])(nil)
)
