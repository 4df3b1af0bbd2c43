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

// pollReadyTick is PollReady that also returns the side's tick when it
// answers ready.
func (reg *Registration) pollReadyTick(cx *future.Context, d Direction) (future.Poll[struct{}], uint32) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	switch {
	case reg.closed:
		return future.Fail[struct{}](ErrClosed), 0
	case d == Read && reg.readReady, d == Write && reg.writeReady:
		return future.Ok(struct{}{}), reg.tick(d)
	case d == Read:
		reg.readWaker = cx.Waker()
	default:
		reg.writeWaker = cx.Waker()
	}
	return future.Pending[struct{}](), 0
}

// tick returns the tick of side d. The caller holds mu.
func (reg *Registration) tick(d Direction) uint32 {
	if d == Read {
		return reg.readTick
	}
	return reg.writeTick
}

// clearReadyAt is ClearReady for a system call that found EAGAIN after
// the side was seen ready at tick: if an event has set the side ready
// since, it leaves it ready and returns false and the new tick, and the
// caller tries its call again.
func (reg *Registration) clearReadyAt(cx *future.Context, d Direction, tick uint32) (bool, uint32) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	switch now := reg.tick(d); {
	case reg.closed:
		// Closed while the system call was in flight: Close found no
		// waker to wake, so wake the task now; its next poll sees ErrClosed.
		cx.Waker().Wake()
	case now != tick:
		return false, now
	case d == Read:
		reg.readReady, reg.readWaker = false, cx.Waker()
	default:
		reg.writeReady, reg.writeWaker = false, cx.Waker()
	}
	return true, tick
}

// clearReadAfterShortReadAt is [Registration.ClearReadAfterShortRead] for
// a read made when the side was seen ready at tick: an event since then
// may announce data that arrived after the short read, so the side is then
// left ready.
func (reg *Registration) clearReadAfterShortReadAt(cx *future.Context, tick uint32) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if reg.closed || reg.readClosed || reg.readTick != tick {
		return
	}
	reg.readReady, reg.readWaker = false, cx.Waker()
}
