//go:build netbsd || openbsd

package netpoll

import (
	"os"

	"golang.org/x/sys/unix"
)

// kqWake wakes a kqueue through a non-blocking pipe, for kernels whose
// x/sys/unix has no EVFILT_USER (as the Go runtime does on NetBSD and
// OpenBSD). Its read end is registered level-triggered; Wait drains it.
type kqWake struct {
	r, w int      // pipe ends, set once by open
	one  [1]byte  // the byte Wake writes; read-only after open
	buf  [64]byte // drain buffer; used by Wait only
}

// open creates the pipe and registers its read end with kq.
func (w *kqWake) open(kq int) error {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC); err != nil {
		return os.NewSyscallError("pipe2", err)
	}
	var add [1]unix.Kevent_t
	unix.SetKevent(&add[0], fds[0], unix.EVFILT_READ, unix.EV_ADD)
	if _, err := unix.Kevent(kq, add[:], nil, nil); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return os.NewSyscallError("kevent", err)
	}
	w.r, w.w = fds[0], fds[1]
	return nil
}

// is reports whether ev is the wake-up event.
func (w *kqWake) is(ev *unix.Kevent_t) bool {
	return int(ev.Filter) == unix.EVFILT_READ && int(ev.Ident) == w.r
}

// drain empties the pipe.
func (w *kqWake) drain() {
	for {
		if n, err := unix.Read(w.r, w.buf[:]); n <= 0 || err != nil {
			return
		}
	}
}

// trigger writes one byte; a full pipe (EAGAIN) means a wake-up is pending.
func (w *kqWake) trigger(int) error {
	if _, err := unix.Write(w.w, w.one[:]); err != nil && err != unix.EAGAIN {
		return os.NewSyscallError("write", err)
	}
	return nil
}

// close closes both pipe ends.
func (w *kqWake) close() error {
	err1 := unix.Close(w.r)
	err2 := unix.Close(w.w)
	if err1 != nil {
		return os.NewSyscallError("close", err1)
	}
	return os.NewSyscallError("close", err2)
}
