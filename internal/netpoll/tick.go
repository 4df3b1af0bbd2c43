package netpoll

import "github.com/eddyio/eddy/future"

// Readiness seen from a goroutine other than the loop's.
//
// The readiness protocol relies on one thing: between a system call's
// EAGAIN and the ClearReady that follows it, no event can be dispatched
// unseen. That holds when the loop that dispatches the events makes the
// call. A goroutine that is not the loop's (the blocking net.Conn of
// package netconn makes its system calls on the caller's goroutine) can
// race the loop: an edge dispatched between its EAGAIN and its ClearReady
// would be forgotten, and edge-triggered readiness would never report it
// again. So each side of a registration counts the events that set it
// ready (its tick, Tokio's answer to the same race), PollIO notes the tick
// when it finds the side ready, and clears readiness only if the tick has
// not moved since; if it has, the system call is simply tried again. On
// the loop's own goroutine the tick never moves under a call, and this
// costs a counter increment per event.

// The ticks live in the registration's state word, tickBits bits a side,
// so they wrap: a call would be fooled only if exactly a multiple of
// 1<<tickBits events (some 134 million) were dispatched between its look
// and its EAGAIN.

// tickOf returns the tick of side d in the state word s.
func tickOf(s uint64, d Direction) uint32 {
	if d == Read {
		return uint32(s>>readTickShift) & tickMask
	}
	return uint32(s>>writeTickShift) & tickMask
}

// withTick returns s with the tick of side d set to tick (modulo
// 1<<tickBits).
func withTick(s uint64, d Direction, tick uint32) uint64 {
	shift := uint(readTickShift)
	if d == Write {
		shift = writeTickShift
	}
	return s&^(tickMask<<shift) | uint64(tick&tickMask)<<shift
}

// pollReadyTick is PollReady that also returns the side's tick when it
// answers ready. A side seen ready (or a closed registration) is answered
// from one load of the state word, without the lock.
func (reg *Registration) pollReadyTick(cx *future.Context, d Direction) (future.Poll[struct{}], uint32) {
	s := reg.state.Load()
	switch {
	case s&regClosed != 0:
		return future.Fail[struct{}](ErrClosed), 0
	case s&ready(d) != 0:
		return future.Ok(struct{}{}), tickOf(s, d)
	}
	s = reg.lock()
	p, tick := future.Pending[struct{}](), uint32(0)
	switch {
	case s&regClosed != 0:
		p = future.Fail[struct{}](ErrClosed)
	case s&ready(d) != 0:
		p, tick = future.Ok(struct{}{}), tickOf(s, d)
	default:
		s = reg.park(s, d, cx.Waker())
	}
	reg.unlock(s)
	return p, tick
}

// clearReadyAt is ClearReady for a system call that found EAGAIN after
// the side was seen ready at tick: if an event has set the side ready
// since, it leaves it ready and returns false and the new tick, and the
// caller tries its call again.
func (reg *Registration) clearReadyAt(cx *future.Context, d Direction, tick uint32) (bool, uint32) {
	s := reg.lock()
	if now := tickOf(s, d); s&regClosed == 0 && now != tick {
		reg.unlock(s)
		return false, now
	}
	reg.clearLocked(cx, d, s)
	return true, tick
}

// clearReadDrainedAt records that a read on a stream socket, made
// when the side was seen ready at tick, left the kernel's receive queue
// empty (it returned less than it asked, or TCP_INQ said nothing was left
// behind a full read; see FD.SetTCP): so the read side is not
// ready until the next edge (epoll and kqueue report a new edge for any
// data that arrives after it), and a read now would only find EAGAIN. It
// parks cx's waker as ClearReady does. An event dispatched since tick may
// announce data that arrived after the read, so the side is then left
// ready; and once an event said the read side is closed, the readiness is
// kept: the end of input may be all that is left, and no new edge would
// announce it.
func (reg *Registration) clearReadDrainedAt(cx *future.Context, tick uint32) {
	s := reg.lock()
	if s&(regClosed|regReadClosed) == 0 && tickOf(s, Read) == tick {
		s = reg.park(s, Read, cx.Waker())
		s &^= regReadReady
	}
	reg.unlock(s)
}
