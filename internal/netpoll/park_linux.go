package netpoll

import (
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Parker waits for a Poller's events, first with its thread blocked in
// epoll_wait for a short while (blockFor), then, if nothing came, with the
// goroutine parked in Go's scheduler: a duplicate of the epoll descriptor
// is registered with Go's own netpoller, which wakes the goroutine when it
// turns readable (an epoll descriptor is readable while events are ready).
//
// Blocking in epoll_wait answers a busy connection through one poller, and
// the thread goes back to the loop with no scheduler hand-off; parking costs
// a wake-up through two pollers (Go's, then eddy's epoll_wait) but frees
// the thread and its P while the loop is idle for longer. Wake interrupts
// either wait: the poller's eventfd is one of its events.
//
// Where the descriptor cannot be registered with Go's netpoller, and on the
// BSDs, a Parker blocks in Poller.Wait. A Parker is used by one goroutine
// at a time, the one that calls Wait.
type Parker struct {
	p        *Poller
	file     *os.File // a duplicate of the epoll descriptor, pollable by Go; nil: block in Wait
	raw      syscall.RawConn
	deadline time.Time
	try      func(uintptr) bool // tryWait, bound once: no allocation per wait

	// The events buffer of the current Wait and the results of tryWait's
	// last look.
	events []Event
	n      int
	err    error
}

// NewParker returns a Parker for p. It never fails: if the descriptor
// cannot be parked on, the Parker blocks in p.Wait.
func NewParker(p *Poller) *Parker {
	k := &Parker{p: p}
	k.try = k.tryWait
	fd, err := unix.FcntlInt(uintptr(p.epfd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return k // fall back to blocking waits
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return k
	}
	f := os.NewFile(uintptr(fd), "eddy-poller")
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return k
	}
	// Only a file Go's netpoller accepted has working deadlines.
	if err := f.SetReadDeadline(time.Time{}); err != nil {
		f.Close()
		return k
	}
	k.file, k.raw = f, raw
	return k
}

// Close releases the duplicate descriptor; the Poller is left open. It is
// idempotent, and Wait must not run concurrently with it.
func (k *Parker) Close() {
	if k.file != nil {
		k.file.Close()
		k.file, k.raw = nil, nil
	}
}

// tryWait is the read callback of RawConn.Read: a non-blocking look at the
// poller. It reports done once events (or an error) are in, or the poller
// consumed a wake-up.
func (k *Parker) tryWait(uintptr) bool {
	k.n, k.err = k.p.Wait(k.events, 0)
	return k.n > 0 || k.err != nil || k.p.woken
}

// blockFor is how long Wait blocks its thread in epoll_wait before it
// parks the goroutine instead: 10 ms, Go's own scheduling quantum (a
// goroutine that runs that long is preempted) and no shorter than the
// kernel's scheduler tick on any usual configuration (HZ 100 to 1000).
//
// It is a cost, not only a bound: a wait with a timeout arms a kernel
// timer, and a timer that expires before the CPU's next tick becomes its
// next event, so arming and cancelling it reprograms the timer hardware.
// In a virtual machine that traps to the hypervisor, at every sleep of a
// busy loop. With 1 ms (shorter than a tick at HZ 250) it cost about 4 µs
// of server CPU per connection of a churn load on this project's machine;
// with a bound of a tick or more, the same as a wait with no timeout. See
// docs/architecture.md, "Waiting on Linux".
const blockFor = 10 * time.Millisecond

// Wait is Poller.Wait: it fills events and returns how many, waiting up to
// timeout (< 0: no limit, 0: a look without waiting). It blocks the thread
// in epoll_wait for up to blockFor (less if timeout is sooner), and parks
// the goroutine for the rest of the wait.
func (k *Parker) Wait(events []Event, timeout time.Duration) (int, error) {
	if timeout == 0 || k.file == nil {
		return k.p.Wait(events, timeout)
	}
	block := blockFor
	if timeout > 0 && timeout <= block {
		return k.p.Wait(events, timeout)
	}
	n, err := k.p.Wait(events, block)
	if n > 0 || err != nil || k.p.woken {
		return n, err
	}
	if timeout > 0 {
		timeout -= block // an interrupted epoll_wait makes this wait shorter, never longer
	}
	return k.parkWait(events, timeout)
}

// parkWait is Wait with the goroutine parked in Go's netpoller rather than
// its thread blocked: timeout is not 0, and k.file is set.
func (k *Parker) parkWait(events []Event, timeout time.Duration) (int, error) {
	// RawConn.Read calls tryWait before it parks, and again on each wake.
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	if !deadline.Equal(k.deadline) {
		k.file.SetReadDeadline(deadline)
		k.deadline = deadline
	}
	k.events, k.n, k.err = events, 0, nil
	err := k.raw.Read(k.try)
	n, werr := k.n, k.err
	k.events = nil
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, err
	}
	return n, werr
}
