//go:build darwin || dragonfly || freebsd

package netpoll

import (
	"os"

	"golang.org/x/sys/unix"
)

// kqWake wakes a kqueue with an EVFILT_USER event, ident 0, EV_CLEAR: the
// kernel resets it when Wait retrieves it, so there is nothing to drain and
// no extra fd.
type kqWake struct {
	trig [1]unix.Kevent_t // NOTE_TRIGGER change; read-only after open
}

// open registers the user event with kq.
func (w *kqWake) open(kq int) error {
	var add [1]unix.Kevent_t
	unix.SetKevent(&add[0], 0, unix.EVFILT_USER, unix.EV_ADD|unix.EV_CLEAR)
	if _, err := unix.Kevent(kq, add[:], nil, nil); err != nil {
		return os.NewSyscallError("kevent", err)
	}
	unix.SetKevent(&w.trig[0], 0, unix.EVFILT_USER, 0)
	w.trig[0].Fflags = unix.NOTE_TRIGGER
	return nil
}

// is reports whether ev is the wake-up event.
func (w *kqWake) is(ev *unix.Kevent_t) bool {
	return int(ev.Filter) == unix.EVFILT_USER && ev.Ident == 0
}

// drain consumes a retrieved wake-up: EV_CLEAR already did.
func (w *kqWake) drain() {}

// trigger fires the user event. Concurrent callers only read w.trig.
func (w *kqWake) trigger(kq int) error {
	_, err := unix.Kevent(kq, w.trig[:], nil, nil)
	return os.NewSyscallError("kevent", err)
}

// close releases nothing: the user event dies with the kqueue.
func (w *kqWake) close() error { return nil }
