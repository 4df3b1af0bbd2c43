package channel

import (
	"runtime"

	"github.com/eddyio/eddy/future"
)

// waitFuture is the future of a wait on a handle (a sender's Closed, a
// watch receiver's Changed): poll is the handle's poll method and withdraw
// takes back the waker a pending poll parked, so that a combinator that
// gives the future up (future.Abandoner) leaves nothing parked. Both are
// method expressions, not closures: the future is one allocation, as the
// PollFn of a method value it replaces was.
type waitFuture[H any] struct {
	h        H
	poll     func(H, *future.Context) future.Poll[struct{}]
	withdraw func(H)
}

func (f *waitFuture[H]) Poll(cx *future.Context) future.Poll[struct{}] { return f.poll(f.h, cx) }

// Abandon withdraws the parked waker; the handle is not closed.
func (f *waitFuture[H]) Abandon() { f.withdraw(f.h) }

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

func (s *Sender[T]) withdrawClosed() {
	s.s.withdrawClosed()
	runtime.KeepAlive(s)
}

func (s *UnboundedSender[T]) withdrawClosed() {
	s.s.withdrawClosed()
	runtime.KeepAlive(s)
}

var _ future.Abandoner = (*waitFuture[*Sender[int]])(nil)
