package channel

import (
	"runtime"
	"sync"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// core is the state shared by the senders and the receiver of a bounded or
// unbounded channel.
type core[T any] struct {
	mu       sync.Mutex // guards every field below and the senders' fields
	buf      ring[T]
	capacity int // 0 for an unbounded channel
	used     int // buffered items plus reserved slots; bounded only
	senders  int // senders not yet closed
	rxClosed bool
	rxWaker  future.Waker // the receiver's, while it waits for an item
	sendq    waitList     // senders waiting for a slot, first come first served
	closedq  waitList     // senders waiting for the receiver to close

	// Test instrumentation: the most items ever buffered, and the most
	// items plus reserved slots.
	peakItems, peakUsed int
}

// Invariants (bounded): used == buf.n + number of senders with
// send.granted, used <= capacity, and sendq is not empty only when used ==
// capacity or the receiver is closed.

// senderState is one sender handle's state. It holds no pointer to its
// handle, so that a handle that is dropped without Close can be closed by a
// runtime cleanup.
type senderState[T any] struct {
	c      *core[T]
	send   waiter // waiting for a slot; send.granted: holds a reserved slot
	closed waiter // waiting for the receiver to close
	done   bool   // this handle was closed
	block  signal // for SendBlocking; made on first use
}

func newSenderState[T any](c *core[T]) *senderState[T] { return &senderState[T]{c: c} }

// reserveLocked tries to give s a slot and reports whether it holds one.
func (s *senderState[T]) reserveLocked() bool {
	c := s.c
	if c.capacity == 0 || s.send.granted {
		return true
	}
	if s.send.Queued() || !c.sendq.Empty() || c.used >= c.capacity {
		return false
	}
	c.used++
	s.send.granted = true
	c.notePeaks()
	return true
}

// freeSlotLocked is called when a slot of a bounded channel frees: it hands
// the slot to the first waiting sender and returns that sender's waker, or
// gives the slot back.
func (c *core[T]) freeSlotLocked() future.Waker {
	if c.capacity == 0 {
		return nil
	}
	if !c.rxClosed {
		if w := c.sendq.PopFront(); w != nil {
			w.granted = true
			return w.takeWaker()
		}
	}
	c.used--
	return nil
}

func (c *core[T]) notePeaks() {
	c.peakItems = max(c.peakItems, c.buf.n)
	c.peakUsed = max(c.peakUsed, c.used)
}

// pollReady answers ready once s holds a slot, queueing s until then.
func (s *senderState[T]) pollReady(cx *future.Context) future.Poll[struct{}] {
	c := s.c
	c.mu.Lock()
	if s.done || c.rxClosed {
		w := s.dropSlotLocked()
		c.mu.Unlock()
		wake(w)
		return future.Fail[struct{}](ErrClosed)
	}
	if s.reserveLocked() {
		c.mu.Unlock()
		return future.Ok(struct{}{})
	}
	s.send.waker = cx.Waker()
	if !s.send.Queued() {
		c.sendq.PushBack(&s.send)
	}
	c.mu.Unlock()
	return future.Pending[struct{}]()
}

// dropSlotLocked gives up s's place in the queue and its reserved slot, and
// returns the waker of the sender the slot was handed to, if any.
func (s *senderState[T]) dropSlotLocked() future.Waker {
	c := s.c
	c.sendq.Remove(&s.send)
	s.send.waker = nil
	if !s.send.granted {
		return nil
	}
	s.send.granted = false
	return c.freeSlotLocked()
}

// trySend sends v in s's reserved slot, or in a free slot, or fails.
func (s *senderState[T]) trySend(v T) error {
	c := s.c
	c.mu.Lock()
	if s.done || c.rxClosed {
		w := s.dropSlotLocked()
		c.mu.Unlock()
		wake(w)
		return ErrClosed
	}
	if !s.reserveLocked() {
		c.mu.Unlock()
		return ErrFull
	}
	s.send.granted = false // the slot now holds the item
	c.buf.push(v, c.capacity)
	c.notePeaks()
	rx := c.rxWaker
	c.rxWaker = nil
	c.mu.Unlock()
	wake(rx)
	return nil
}

// sendBlocking waits, blocking the goroutine, for a slot and sends v.
func (s *senderState[T]) sendBlocking(v T) error {
	for {
		err := s.trySend(v)
		if err != ErrFull {
			return err
		}
		c := s.c
		c.mu.Lock()
		if s.block == nil {
			s.block = newSignal()
		}
		if s.done || c.rxClosed {
			c.mu.Unlock()
			continue // trySend reports it
		}
		ready := s.send.granted || s.reserveLocked()
		if !ready {
			s.send.waker = s.block
			if !s.send.Queued() {
				c.sendq.PushBack(&s.send)
			}
		}
		c.mu.Unlock()
		if !ready {
			s.block.wait()
		}
	}
}

// cancelReady withdraws s from the queue and hands its reserved slot on.
func (s *senderState[T]) cancelReady() {
	c := s.c
	c.mu.Lock()
	w := s.dropSlotLocked()
	c.mu.Unlock()
	wake(w)
}

// pollClosed answers ready once the receiver has closed (or s was closed).
func (s *senderState[T]) pollClosed(cx *future.Context) future.Poll[struct{}] {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.done || c.rxClosed {
		return future.Ok(struct{}{})
	}
	s.closed.waker = cx.Waker()
	if !s.closed.Queued() {
		c.closedq.PushBack(&s.closed)
	}
	return future.Pending[struct{}]()
}

// pollFlush answers ready while the receiver is there to take the items.
func (s *senderState[T]) pollFlush() future.Poll[struct{}] {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.done || c.rxClosed {
		return future.Fail[struct{}](ErrClosed)
	}
	return future.Ok(struct{}{})
}

// close closes the handle once: it leaves the queues, hands its slot on,
// and ends the receiver's stream if it was the last sender.
func (s *senderState[T]) close() {
	c := s.c
	c.mu.Lock()
	if s.done {
		c.mu.Unlock()
		return
	}
	s.done = true
	next := s.dropSlotLocked()
	c.closedq.Remove(&s.closed)
	s.closed.waker = nil
	c.senders--
	var rx future.Waker
	if c.senders == 0 {
		rx, c.rxWaker = c.rxWaker, nil
	}
	c.mu.Unlock()
	wake(next)
	wake(rx)
}

// clone makes the state of a new handle: open if s is open, closed if not.
func (s *senderState[T]) clone() *senderState[T] {
	c := s.c
	n := newSenderState(c)
	c.mu.Lock()
	if s.done {
		n.done = true
	} else {
		c.senders++
	}
	c.mu.Unlock()
	return n
}

// Receiver is the receiving end of a bounded or unbounded channel: a
// [stream.Stream] of the values sent, in the order they were sent, that ends
// when every sender has been closed and the buffer is drained.
//
// A channel has one receiver; it is used by one task or goroutine at a time.
// Close and TryRecv are safe from any goroutine.
type Receiver[T any] struct {
	c       *core[T]
	block   signal // for RecvBlocking; made on first use
	cleanup runtime.Cleanup
}

func newReceiver[T any](c *core[T]) *Receiver[T] {
	r := &Receiver[T]{c: c}
	r.cleanup = runtime.AddCleanup(r, (*core[T]).closeRx, c)
	return r
}

// PollNext answers the next value, the end once every sender is closed (or
// the receiver was closed) and the buffer is drained, or pending with the
// task's waker registered. Taking a value frees its slot for the first
// waiting sender.
func (r *Receiver[T]) PollNext(cx *future.Context) stream.Poll[T] {
	v, err := r.c.recv(cx.Waker)
	runtime.KeepAlive(r) // the cleanup must not close r meanwhile
	switch err {
	case nil:
		return stream.Item(v)
	case ErrEmpty:
		return stream.Pending[T]()
	}
	return stream.End[T]()
}

// recv takes the next value. When there is none yet it registers the waker
// that waker returns, if waker is not nil, and fails with ErrEmpty; at the
// end it fails with ErrClosed.
func (c *core[T]) recv(waker func() future.Waker) (T, error) {
	c.mu.Lock()
	if v, ok := c.buf.pop(); ok {
		w := c.freeSlotLocked()
		c.mu.Unlock()
		wake(w)
		return v, nil
	}
	var zero T
	if c.senders == 0 || c.rxClosed {
		c.mu.Unlock()
		return zero, ErrClosed
	}
	if waker != nil {
		c.rxWaker = waker()
	}
	c.mu.Unlock()
	return zero, ErrEmpty
}

// TryRecv takes the next value without waiting. It fails with [ErrEmpty]
// when no value is buffered yet and with [ErrClosed] when the channel has
// ended.
func (r *Receiver[T]) TryRecv() (T, error) {
	v, err := r.c.recv(nil)
	runtime.KeepAlive(r)
	return v, err
}

// RecvBlocking waits, blocking the calling goroutine, for the next value. It
// reports false when the channel has ended. It is for ordinary goroutines:
// a task must not block its loop, and uses PollNext instead.
func (r *Receiver[T]) RecvBlocking() (T, bool) {
	if r.block == nil {
		r.block = newSignal()
	}
	for {
		v, err := r.c.recv(r.blockWaker)
		runtime.KeepAlive(r)
		switch err {
		case nil:
			return v, true
		case ErrClosed:
			return v, false
		}
		r.block.wait()
	}
}

func (r *Receiver[T]) blockWaker() future.Waker { return r.block }

// Abandon withdraws the waker a pending PollNext parked (future.Abandoner),
// so that the next send does not wake a task that no longer waits: a
// Select that chose another branch, a Timeout that fired. The receiver
// stays open and usable; Close closes it.
func (r *Receiver[T]) Abandon() {
	c := r.c
	c.mu.Lock()
	c.rxWaker = nil
	c.mu.Unlock()
	runtime.KeepAlive(r)
}

// Close closes the receiving end: senders fail with [ErrClosed] from now on,
// and senders waiting for a slot or in PollClosed are woken. Values already
// buffered can still be received; then the stream ends. Close is
// idempotent.
func (r *Receiver[T]) Close() {
	r.cleanup.Stop()
	r.c.closeRx()
}

func (c *core[T]) closeRx() {
	c.mu.Lock()
	if c.rxClosed {
		c.mu.Unlock()
		return
	}
	c.rxClosed = true
	for {
		var b wakeBatch
		more := b.drainInto(&c.sendq)
		more = b.drainInto(&c.closedq) || more
		c.mu.Unlock()
		b.wake()
		if !more {
			return
		}
		c.mu.Lock()
	}
}

var _ stream.Stream[int] = (*Receiver[int])(nil)
var _ future.Abandoner = (*Receiver[int])(nil)
