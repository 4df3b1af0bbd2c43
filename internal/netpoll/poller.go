// Poller contract.
//
// A backend is one file behind a build tag (poller_epoll.go, poller_kqueue.go)
// that defines the type Poller with these methods. The contract is written
// here, once, rather than as a Go interface, as runtime/netpoll.go does:
//
//   - Open() (*Poller, error) creates the kernel poller and its wake-up
//     mechanism. Every fd it creates is close-on-exec.
//   - Add(fd, t) registers fd once, edge-triggered, under the token t, for
//     reading, and for writing too where the constant addWatchesWrite says
//     so (kqueue; on epoll WatchWrite adds it). t must not be WakeToken.
//     Readiness is reported again only after a new edge (new data, new
//     buffer space, hang-up), so a task reads or writes until EAGAIN before
//     it parks (DESIGN.md, contract 4). Error and hang-up are reported
//     whatever the interest.
//   - WatchWrite(fd, t) adds write readiness, edge-triggered, to an fd Add
//     registered, and reports the fd at the next Wait if it is writable
//     already (epoll's EPOLL_CTL_MOD looks at it), so that a write that
//     found the fd full and calls it loses no edge. The registry calls it
//     once per fd, at its first full write; where Add watches writes, it
//     does nothing.
//   - AddLevel(fd, t) registers fd for reading only, level-triggered, where
//     the kernel poller and the backend offer it (the constant
//     levelTriggered says so; epoll does, the kqueue backend is Add): a
//     listening socket, reported at every Wait while a connection waits.
//   - Delete(fd) deregisters fd. An fd the kernel no longer knows (ENOENT) or
//     that is already closed (EBADF) is not an error: Delete returns nil.
//     Events already dequeued by a concurrent Wait may still carry the old
//     token; the registry drops them by generation.
//   - Wait(events, timeout) fills events with at most len(events) readiness
//     events and returns how many. timeout < 0 blocks, 0 polls, > 0 is
//     rounded UP to whole milliseconds (a 1µs timeout must not become a busy
//     loop). An interrupted wait (EINTR) returns 0, nil. The wake-up is
//     consumed and never reported. Wait runs on one goroutine at a time (the
//     driver loop's) and does not allocate in steady state.
//   - Wake() makes a blocked or the next Wait return. It is safe from any
//     goroutine, and many Wakes between two Waits cost one syscall.
//   - Close() releases every fd Open created, once; later calls return nil.
//     Close must not run concurrently with Wait; Add, Delete and Wake may race
//     with it and then fail with net.ErrClosed (Wake becomes a no-op).
//
// Add, Delete and Wake are safe for concurrent use with each other and with a
// running Wait.
//
// Tokens, not pointers.
//
// The kernel never holds a Go pointer: a registration is named by a Token
// (slot index | generation, packed by the registry), so a stale event for a
// reused fd or slot is recognised by its generation and dropped.
//
// Readiness.
//
// Event.Readable and Event.Writable are hints: spurious events are allowed
// and a task retries its syscall. On error or hang-up BOTH are set, so that a
// task parked on either side retries its syscall and sees the error or EOF.
// A token may appear twice in one batch (kqueue reports its read and write
// filters separately).

// Package netpoll is eddy's reactor: the OS readiness poller (epoll on Linux,
// kqueue on macOS and the BSDs) and, on top of it, the registry of wakers
// that the driver loop consults when an fd becomes ready. Only this package,
// the driver and socket know that epoll exists.
package netpoll

import (
	"errors"
	"math"
	"time"
)

// Token identifies a registration: slot index in the low 32 bits, generation
// in the high 32 bits. The registry packs it; the poller only carries it
// through the kernel and back.
type Token uint64

// WakeToken is reserved for the poller's own wake-up. Wait never returns it
// and Add refuses it.
const WakeToken Token = ^Token(0)

// Event is one readiness report for the registration named by Token.
//
// On error or hang-up BOTH Readable and Writable are set so that a task
// parked on either side retries its syscall and sees the error.
type Event struct {
	// Token is the token the fd was added with.
	Token Token
	// Readable reports readable, or read side hung up
	// (EPOLLIN|EPOLLRDHUP|EPOLLHUP|EPOLLERR; kqueue EVFILT_READ incl. EV_EOF/EV_ERROR).
	Readable bool
	// Writable reports writable, or error/hang-up
	// (EPOLLOUT|EPOLLHUP|EPOLLERR; kqueue EVFILT_WRITE incl. EV_EOF/EV_ERROR).
	Writable bool
	// ReadClosed reports that no more data will arrive: the peer shut
	// down its side or the connection failed (EPOLLRDHUP|EPOLLHUP|EPOLLERR;
	// kqueue EVFILT_READ with EV_EOF, or EV_ERROR). It is final: the
	// registration keeps it, so a short read never clears the readiness
	// that leads to the end of input.
	ReadClosed bool
}

// errWakeToken is returned by Add when asked to register WakeToken.
var errWakeToken = errors.New("netpoll: WakeToken is reserved for the poller's wake-up")

// maxWaitMillis caps a timeout at what an int32 millisecond count can hold
// (about 24.8 days); the driver wakes up earlier for any real timer.
const maxWaitMillis = math.MaxInt32

// waitMillis converts a Wait timeout to the kernel's milliseconds: -1 blocks,
// 0 polls, and anything positive is rounded UP so that a sub-millisecond
// deadline sleeps 1ms instead of spinning at 0 (mio does the same).
func waitMillis(d time.Duration) int {
	switch {
	case d < 0:
		return -1
	case d == 0:
		return 0
	case d >= maxWaitMillis*time.Millisecond:
		return maxWaitMillis
	}
	return int((d + time.Millisecond - 1) / time.Millisecond)
}

// packToken splits t into the two 32-bit halves that travel through the
// kernel: lo holds the slot index (bits 0–31), hi the generation (bits 32–63).
// The epoll backend stores them in EpollEvent.Fd and EpollEvent.Pad.
func packToken(t Token) (lo, hi int32) {
	return int32(uint32(t)), int32(uint32(t >> 32))
}

// unpackToken is the inverse of packToken.
func unpackToken(lo, hi int32) Token {
	return Token(uint32(lo)) | Token(uint32(hi))<<32
}
