//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package netpoll

import (
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Tokens on kqueue.
//
// Kevent_t.Udata is a *byte on most BSDs (an integer on NetBSD), so storing a
// token there would either hand the kernel something typed as a Go pointer or
// need a per-platform cast. Instead the Poller keeps a table fd → Token and
// Wait translates each event's ident through it. An event for an fd deleted
// after the kernel queued it finds no entry and is dropped.

// noToken marks an fd with no registration in Poller.tokens. WakeToken can
// serve because Add refuses it.
const noToken = WakeToken

// defaultBatch is the number of raw events Open allocates room for; Wait
// grows the buffer once if it is handed a longer events slice.
const defaultBatch = 128

// Poller is a kqueue plus a wake-up source (EVFILT_USER, or a pipe where
// the kernel lacks it), one per driver loop. Add, Delete and Wake are safe
// for concurrent use by multiple goroutines, also while Wait runs; Wait must
// be called from one goroutine at a time, and Close not concurrently with
// Wait.
type Poller struct {
	kq int // kqueue fd, set once by Open

	// wakeSig is true from the Wake that triggered the wake-up until the
	// Wait that consumed it, so that many Wakes in between cost one kevent.
	wakeSig atomic.Bool
	wake    kqWake // the wake-up source; see poller_kqueue_user.go, _pipe.go

	// mu guards tokens and changes, and the fds' validity against Close:
	// Add and Delete hold it exclusively, Wake and Wait's translation shared,
	// Close exclusively, so no syscall lands on a reused fd number.
	mu      sync.RWMutex
	closed  atomic.Bool      // set once by Close, under mu
	tokens  []Token          // fd → token, noToken where unregistered; guarded by mu
	changes [2]unix.Kevent_t // Add/Delete change list; guarded by mu
	raw     []unix.Kevent_t  // kernel event buffer; used by Wait only
	ts      unix.Timespec    // Wait's timeout; used by Wait only
}

// Open creates a close-on-exec kqueue and its wake-up source.
func Open() (*Poller, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return nil, os.NewSyscallError("kqueue", err)
	}
	unix.CloseOnExec(kq)
	p := &Poller{kq: kq, raw: make([]unix.Kevent_t, defaultBatch)}
	if err := p.wake.open(kq); err != nil {
		unix.Close(kq)
		return nil, err
	}
	return p, nil
}

// Add registers fd once for read and write readiness, edge-triggered
// (EV_ADD|EV_CLEAR on EVFILT_READ and EVFILT_WRITE), under the token t:
// both filters in one kevent call, so WatchWrite has nothing left to add.
func (p *Poller) Add(fd int, t Token) error {
	if t == WakeToken {
		return errWakeToken
	}
	if fd < 0 {
		return os.NewSyscallError("kevent", unix.EBADF)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Load() {
		return net.ErrClosed
	}
	p.setToken(fd, t)
	unix.SetKevent(&p.changes[0], fd, unix.EVFILT_READ, unix.EV_ADD|unix.EV_CLEAR)
	unix.SetKevent(&p.changes[1], fd, unix.EVFILT_WRITE, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(p.kq, p.changes[:], nil, nil); err != nil {
		p.tokens[fd] = noToken
		return os.NewSyscallError("kevent", err)
	}
	return nil
}

// levelTriggered: kqueue registrations here are all edge-triggered, so
// [FD.SetLevel] does nothing and AddLevel is never reached through it.
const levelTriggered = false

// AddLevel is Add: listeners on kqueue drain their queue to EAGAIN, as
// every other fd does.
func (p *Poller) AddLevel(fd int, t Token) error { return p.Add(fd, t) }

// addWatchesWrite: Add registers both filters, so WatchWrite has nothing
// to add.
const addWatchesWrite = true

// WatchWrite adds write readiness to fd's interest: on kqueue Add already
// registered EVFILT_WRITE, so it does nothing.
func (p *Poller) WatchWrite(fd int, t Token) error { return nil }

// setToken records t for fd, growing the table as needed. mu must be held.
func (p *Poller) setToken(fd int, t Token) {
	if fd >= len(p.tokens) {
		grown := make([]Token, max(fd+1, 2*len(p.tokens), 64))
		copy(grown, p.tokens)
		for i := len(p.tokens); i < len(grown); i++ {
			grown[i] = noToken
		}
		p.tokens = grown
	}
	p.tokens[fd] = t
}

// Delete deregisters fd. ENOENT (not registered) and EBADF (already closed,
// which deregisters it anyway) are reported as success.
func (p *Poller) Delete(fd int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Load() {
		return net.ErrClosed
	}
	if uint(fd) < uint(len(p.tokens)) {
		p.tokens[fd] = noToken
	}
	unix.SetKevent(&p.changes[0], fd, unix.EVFILT_READ, unix.EV_DELETE)
	unix.SetKevent(&p.changes[1], fd, unix.EVFILT_WRITE, unix.EV_DELETE)
	switch _, err := unix.Kevent(p.kq, p.changes[:], nil, nil); err {
	case nil, unix.ENOENT, unix.EBADF:
		return nil
	default:
		return os.NewSyscallError("kevent", err)
	}
}

// Wait blocks until an fd is ready, Wake is called, or timeout passes
// (< 0 forever, 0 not at all, > 0 rounded up to whole milliseconds), fills
// events and returns how many it filled. EINTR returns 0, nil. The wake-up is
// consumed and not reported. events must not be empty.
func (p *Poller) Wait(events []Event, timeout time.Duration) (int, error) {
	if len(events) == 0 {
		return 0, os.NewSyscallError("kevent", unix.EINVAL)
	}
	if p.closed.Load() {
		return 0, net.ErrClosed
	}
	if len(p.raw) < len(events) {
		p.raw = make([]unix.Kevent_t, len(events))
	}
	var tsp *unix.Timespec
	if ms := waitMillis(timeout); ms >= 0 {
		p.ts = unix.NsecToTimespec(int64(ms) * int64(time.Millisecond))
		tsp = &p.ts
	}
	n, err := unix.Kevent(p.kq, nil, p.raw[:len(events)], tsp)
	if err != nil {
		if err == unix.EINTR {
			return 0, nil
		}
		return 0, os.NewSyscallError("kevent", err)
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	k := 0
	for i := range n {
		ev := &p.raw[i]
		if p.wake.is(ev) {
			// Clear wakeSig only after consuming; see the epoll backend's
			// drainWake for why that order loses no wake-up.
			p.wake.drain()
			p.wakeSig.Store(false)
			continue
		}
		fd := int(ev.Ident)
		if uint(fd) >= uint(len(p.tokens)) || p.tokens[fd] == noToken {
			continue // deleted after the kernel queued the event
		}
		hup := int(ev.Flags)&(unix.EV_EOF|unix.EV_ERROR) != 0
		events[k] = Event{
			Token:      p.tokens[fd],
			Readable:   hup || int(ev.Filter) == unix.EVFILT_READ,
			Writable:   hup || int(ev.Filter) == unix.EVFILT_WRITE,
			ReadClosed: hup && int(ev.Filter) == unix.EVFILT_READ || int(ev.Flags)&unix.EV_ERROR != 0,
		}
		k++
	}
	return k, nil
}

// Wake makes a blocked (or the next) Wait return. It is safe from any
// goroutine; only the first Wake since the last Wait consumed one triggers
// the kernel. After Close it does nothing.
func (p *Poller) Wake() error {
	if !p.wakeSig.CompareAndSwap(false, true) {
		return nil
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if p.closed.Load() {
		return nil
	}
	if err := p.wake.trigger(p.kq); err != nil {
		p.wakeSig.Store(false) // nothing was triggered: let the next Wake retry
		return err
	}
	return nil
}

// Close closes the kqueue and the wake-up source. Only the first call does
// anything; later calls return nil.
func (p *Poller) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Load() {
		return nil
	}
	p.closed.Store(true)
	p.wakeSig.Store(true) // later Wakes stop at the CAS
	err1 := p.wake.close()
	err2 := unix.Close(p.kq)
	if err1 != nil {
		return err1
	}
	return os.NewSyscallError("close", err2)
}
