//go:build linux

package netpoll

import (
	"encoding/binary"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Token packing for epoll.
//
// epoll_event.data is a 64-bit union, but x/sys/unix exposes it as two int32
// fields, Fd and Pad (on amd64 the struct is packed, {Events; Fd; Pad}; on
// arm64 and other 64-bit ports an explicit PadFd/_ field precedes them so
// that data is 8-byte aligned). Either way Fd and Pad together are exactly
// the 8 bytes of data, and the kernel copies them back verbatim, so we store
// the token's low half (slot index) in Fd and its high half (generation) in
// Pad. Nothing in them is a Go pointer.

// Edge-triggered interest; EPOLLRDHUP reports a peer's shutdown(SHUT_WR)
// as its own edge so that a reader sees EOF promptly. Add registers the
// read side only: a new socket is writable, and EPOLLOUT from the start
// would only report that, an event of its own for most connections (the
// first wait after the accept returned it alone). WatchWrite adds EPOLLOUT
// when a write first finds the socket full, and it stays from then on.
// EPOLLHUP and EPOLLERR are reported whatever the interest, and set both
// sides ready.
const (
	epollInterest      = unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET
	epollInterestWrite = epollInterest | unix.EPOLLOUT
)

const (
	epollReadable = unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLHUP | unix.EPOLLERR
	epollWritable = unix.EPOLLOUT | unix.EPOLLHUP | unix.EPOLLERR
	// No more data will arrive: the peer shut down its side, or the
	// connection is gone.
	epollReadClosed = unix.EPOLLRDHUP | unix.EPOLLHUP | unix.EPOLLERR
)

// defaultBatch is the number of raw events Open allocates room for; Wait
// grows the buffer once if it is handed a longer events slice.
const defaultBatch = 128

// Poller is an epoll instance plus an eventfd for wake-ups, one per driver
// loop. Add, Delete and Wake are safe for concurrent use by multiple
// goroutines, also while Wait runs; Wait must be called from one goroutine at
// a time, and Close not concurrently with Wait.
type Poller struct {
	woken  bool // the last Wait consumed a wake-up; the waiting goroutine only
	epfd   int  // epoll fd, set once by Open
	wakefd int  // eventfd registered under WakeToken, set once by Open

	// wakeSig is true from the Wake that wrote the eventfd until the Wait
	// that drained it, so that many Wakes in between cost one write.
	wakeSig atomic.Bool

	// mu guards the fds' validity against Close: Add, Delete and Wake hold
	// it shared around their syscalls, Close holds it exclusively, so that
	// no syscall lands on an fd number the process has reused.
	mu     sync.RWMutex
	closed atomic.Bool // set once by Close, under mu

	wakeOne [8]byte // the eventfd increment (1, native endian); read-only after Open
	wakeBuf [8]byte // drain buffer; used by Wait only

	raw []unix.EpollEvent // kernel event buffer; used by Wait only
}

// Open creates an epoll instance (EPOLL_CLOEXEC) and a non-blocking,
// close-on-exec eventfd registered under WakeToken.
func Open() (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	wakefd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		unix.Close(epfd)
		return nil, os.NewSyscallError("eventfd", err)
	}
	// Level-triggered: if a drain were ever missed, the wake-up is
	// reported again instead of being lost.
	ev := unix.EpollEvent{Events: unix.EPOLLIN}
	ev.Fd, ev.Pad = packToken(WakeToken)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wakefd, &ev); err != nil {
		unix.Close(wakefd)
		unix.Close(epfd)
		return nil, os.NewSyscallError("epoll_ctl", err)
	}
	p := &Poller{epfd: epfd, wakefd: wakefd, raw: make([]unix.EpollEvent, defaultBatch)}
	binary.NativeEndian.PutUint64(p.wakeOne[:], 1)
	return p, nil
}

// levelTriggered: AddLevel registers a level-triggered read side.
const levelTriggered = true

// addWatchesWrite: Add does not register write readiness; WatchWrite does.
const addWatchesWrite = false

// Add registers fd for read readiness, edge-triggered
// (EPOLLIN|EPOLLRDHUP|EPOLLET), under the token t. Write readiness is
// added by WatchWrite.
func (p *Poller) Add(fd int, t Token) error {
	return p.add(fd, t, epollInterest)
}

// WatchWrite adds write readiness to fd's edge-triggered interest
// (EPOLLOUT), under the same token t. The kernel looks at the descriptor
// as it modifies the entry and reports it at the next wait if it is
// writable already, so no edge is lost between the write that found the
// socket full and this call.
func (p *Poller) WatchWrite(fd int, t Token) error {
	return p.ctl(unix.EPOLL_CTL_MOD, fd, t, epollInterestWrite)
}

// AddLevel registers fd for read readiness only, level-triggered
// (EPOLLIN), under the token t: a listening socket (see [FD.SetLevel]).
func (p *Poller) AddLevel(fd int, t Token) error {
	return p.add(fd, t, unix.EPOLLIN)
}

// add registers fd with the interest events under the token t.
func (p *Poller) add(fd int, t Token, events uint32) error {
	if t == WakeToken {
		return errWakeToken
	}
	return p.ctl(unix.EPOLL_CTL_ADD, fd, t, events)
}

// ctl makes the epoll_ctl op (ADD or MOD) for fd with the interest events
// under the token t, unless the poller is closed.
func (p *Poller) ctl(op, fd int, t Token, events uint32) error {
	ev := unix.EpollEvent{Events: events}
	ev.Fd, ev.Pad = packToken(t)
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed.Load() {
		return net.ErrClosed
	}
	return os.NewSyscallError("epoll_ctl", epollCtl(p.epfd, op, fd, &ev))
}

// Delete deregisters fd. ENOENT (not registered) and EBADF (already closed,
// which deregisters it anyway) are reported as success.
func (p *Poller) Delete(fd int) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed.Load() {
		return net.ErrClosed
	}
	switch err := epollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil); err {
	case nil, unix.ENOENT, unix.EBADF:
		return nil
	default:
		return os.NewSyscallError("epoll_ctl", err)
	}
}

// Wait blocks until an fd is ready, Wake is called, or timeout passes
// (< 0 forever, 0 not at all, > 0 rounded up to whole milliseconds), fills
// events and returns how many it filled. EINTR returns 0, nil. The wake-up is
// consumed and not reported. events must not be empty.
func (p *Poller) Wait(events []Event, timeout time.Duration) (int, error) {
	if len(events) == 0 {
		return 0, os.NewSyscallError("epoll_wait", unix.EINVAL)
	}
	if p.closed.Load() {
		return 0, net.ErrClosed
	}
	if len(p.raw) < len(events) {
		p.raw = make([]unix.EpollEvent, len(events))
	}
	n, err := epollWait(p.epfd, p.raw[:len(events)], waitMillis(timeout))
	if err != nil {
		if err == unix.EINTR {
			return 0, nil
		}
		return 0, os.NewSyscallError("epoll_wait", err)
	}
	k := 0
	p.woken = false
	for i := range n {
		ev := &p.raw[i]
		t := unpackToken(ev.Fd, ev.Pad)
		if t == WakeToken {
			p.drainWake()
			p.woken = true
			continue
		}
		events[k] = Event{
			Token:      t,
			Readable:   ev.Events&epollReadable != 0,
			Writable:   ev.Events&epollWritable != 0,
			ReadClosed: ev.Events&epollReadClosed != 0,
		}
		k++
	}
	return k, nil
}

// epollWait is epoll_wait(2), made as epoll_pwait with no signal mask,
// which every Linux port has. A look that does not wait (msec 0) is a raw
// system call, without the scheduler's bookkeeping for calls that may
// block: it returns at once. A wait that may block goes through Syscall6,
// so that the runtime can hand the blocked thread's P to other goroutines.
// gnet's poll_opt build makes the same split. events is not empty.
func epollWait(epfd int, events []unix.EpollEvent, msec int) (int, error) {
	var (
		r uintptr
		e unix.Errno
	)
	if msec == 0 {
		r, _, e = unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd),
			uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), 0, 0, 0)
	} else {
		r, _, e = unix.Syscall6(unix.SYS_EPOLL_PWAIT, uintptr(epfd),
			uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(msec), 0, 0)
	}
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// epollCtl is epoll_ctl(2) as a raw system call: it never blocks (it
// takes the epoll instance's mutex, held by other callers for as long as
// one such call), so it needs none of the scheduler's bookkeeping for
// calls that may. Each accepted connection makes one.
func epollCtl(epfd, op, fd int, ev *unix.EpollEvent) error {
	_, _, e := unix.RawSyscall6(unix.SYS_EPOLL_CTL, uintptr(epfd), uintptr(op), uintptr(fd),
		uintptr(unsafe.Pointer(ev)), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

// drainWake resets the eventfd counter, then re-arms Wake.
//
// The order matters. Clearing wakeSig after the read loses no wake-up: a Wake
// that runs between the read and the clear sees wakeSig still true and
// writes nothing, but its caller pushed its work before calling Wake, and the
// driver checks its queues after this Wait returns, so it finds the work.
// Clearing first would be wrong: a Wake between the clear and the read would
// write, the read would eat that write, and wakeSig would stay true with no
// pending eventfd count, silencing every later Wake.
func (p *Poller) drainWake() {
	unix.Read(p.wakefd, p.wakeBuf[:]) // EAGAIN: already drained; nothing to do
	p.wakeSig.Store(false)
}

// Wake makes a blocked (or the next) Wait return. It is safe from any
// goroutine; only the first Wake since the last drain writes the eventfd.
// After Close it does nothing.
func (p *Poller) Wake() error {
	if !p.wakeSig.CompareAndSwap(false, true) {
		return nil
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed.Load() {
		return nil
	}
	_, err := unix.Write(p.wakefd, p.wakeOne[:])
	switch err {
	case nil, unix.EAGAIN: // EAGAIN: counter saturated, a wake-up is pending anyway
		return nil
	default:
		p.wakeSig.Store(false) // nothing was written: let the next Wake retry
		return os.NewSyscallError("write", err)
	}
}

// Close closes the epoll fd and the eventfd. Only the first call does
// anything; later calls return nil.
func (p *Poller) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Load() {
		return nil
	}
	p.closed.Store(true)
	p.wakeSig.Store(true) // later Wakes stop at the CAS
	err1 := unix.Close(p.wakefd)
	err2 := unix.Close(p.epfd)
	if err1 != nil {
		return os.NewSyscallError("close", err1)
	}
	return os.NewSyscallError("close", err2)
}
