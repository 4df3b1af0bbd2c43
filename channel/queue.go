package channel

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/waitlist"
)

// ring is a FIFO ring buffer that grows by doubling up to limit (0: no
// limit) and never shrinks, so a steady flow of values allocates nothing.
type ring[T any] struct {
	buf     []T
	head, n int
}

func (r *ring[T]) push(v T, limit int) {
	if r.n == len(r.buf) {
		size := max(2*len(r.buf), 4)
		if limit > 0 {
			size = max(min(size, limit), r.n+1)
		}
		buf := make([]T, size)
		for i := range r.n {
			buf[i] = r.buf[(r.head+i)%len(r.buf)]
		}
		r.buf, r.head = buf, 0
	}
	r.buf[(r.head+r.n)%len(r.buf)] = v
	r.n++
}

func (r *ring[T]) pop() (T, bool) {
	var zero T
	if r.n == 0 {
		return zero, false
	}
	v := r.buf[r.head]
	r.buf[r.head] = zero // let the value be collected
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return v, true
}

// waiter is a task or goroutine waiting for something, held by the handle
// that waits so that queueing allocates nothing (see internal/waitlist). Its
// fields are guarded by the mutex of the channel it waits on.
type waiter struct {
	waitlist.Node[waiter]
	waker   future.Waker
	granted bool // a send waiter: it holds a reserved slot
}

// waitList is a FIFO of waiters.
type waitList = waitlist.List[waiter, *waiter]

// takeWaker returns the waker of a waiter that is being woken and forgets
// it, so the waiter holds no task once it is done waiting.
func (w *waiter) takeWaker() future.Waker {
	k := w.waker
	w.waker = nil
	return k
}

// wakeBatch collects wakers under a channel's lock to wake them after it is
// released. It lives on the stack: waking many waiters takes several rounds
// of at most len(ws).
type wakeBatch struct {
	ws [16]future.Waker
	n  int
}

func (b *wakeBatch) full() bool { return b.n == len(b.ws) }

func (b *wakeBatch) add(w future.Waker) {
	if w != nil {
		b.ws[b.n] = w
		b.n++
	}
}

// drainInto pops waiters from l into b until b is full, and reports whether
// l still holds waiters.
func (b *wakeBatch) drainInto(l *waitList) bool {
	for !b.full() {
		w := l.PopFront()
		if w == nil {
			return false
		}
		b.add(w.takeWaker())
	}
	return !l.Empty()
}

func (b *wakeBatch) wake() {
	for i := range b.n {
		b.ws[i].Wake()
		b.ws[i] = nil
	}
	b.n = 0
}

// wake wakes w if it is not nil.
func wake(w future.Waker) {
	if w != nil {
		w.Wake()
	}
}

// signal is a Waker for an ordinary goroutine blocked in a *Blocking method:
// Wake leaves a token that the goroutine waits for. A stale token only makes
// the goroutine look again.
type signal chan struct{}

func newSignal() signal { return make(signal, 1) }

// Wake leaves a token, at most one.
func (s signal) Wake() {
	select {
	case s <- struct{}{}:
	default:
	}
}

func (s signal) wait() { <-s }
