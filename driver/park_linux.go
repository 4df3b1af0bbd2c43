package driver

import (
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// parker lets the loop wait for readiness by parking its goroutine in Go's
// scheduler instead of blocking its thread in epoll_wait: the loop's epoll
// descriptor is itself registered with Go's netpoller, which wakes the
// goroutine when it turns readable. A thread blocked in a system call makes
// the runtime hand its P to another thread, and win it back on return; a
// parked goroutine costs the scheduler nothing, and a ping-pong workload
// answers sooner.
type parker struct {
	file     *os.File // a duplicate of the epoll descriptor, pollable by Go
	raw      syscall.RawConn
	deadline time.Time
	try      func(uintptr) bool // l.tryWait, bound once: no allocation per wait
}

func (l *Loop) openParker() {
	fd, err := unix.FcntlInt(uintptr(l.poller.Fd()), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return // fall back to blocking waits
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return
	}
	f := os.NewFile(uintptr(fd), "eddy-poller")
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return
	}
	// Only a file Go's netpoller accepted has working deadlines.
	if err := f.SetReadDeadline(time.Time{}); err != nil {
		f.Close()
		return
	}
	l.park = &parker{file: f, raw: raw, try: l.tryWait}
}

func (l *Loop) closeParker() {
	if l.park != nil {
		l.park.file.Close()
		l.park = nil
	}
}

// tryWait is the parker's read callback: a non-blocking look at the poller.
// It reports done once events (or an error) are in.
func (l *Loop) tryWait(uintptr) bool {
	l.waitN, l.waitErr = l.poller.Wait(l.events, 0)
	return l.waitN > 0 || l.waitErr != nil || l.poller.Woken()
}

// wait waits up to timeout (< 0: no limit) for readiness events.
func (l *Loop) wait(timeout time.Duration) (int, error) {
	if timeout == 0 || l.park == nil {
		return l.poller.Wait(l.events, timeout)
	}
	// RawConn.Read calls tryWait before it parks, and again on each wake.
	p := l.park
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	if !deadline.Equal(p.deadline) {
		p.file.SetReadDeadline(deadline)
		p.deadline = deadline
	}
	l.waitN, l.waitErr = 0, nil
	if err := p.raw.Read(p.try); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		return 0, err
	}
	return l.waitN, l.waitErr
}
