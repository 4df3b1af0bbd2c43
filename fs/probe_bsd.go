//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package fs

import "golang.org/x/sys/unix"

// pipeBuf is the POSIX minimum of PIPE_BUF: a write of at most this many
// bytes to a pipe that poll(2) reports writable does not block.
const pipeBuf = 512

// pollable reports whether the reactor can watch fd: kqueue refuses some
// devices (terminals on older macOS).
func pollable(fd int) bool {
	kq, err := unix.Kqueue()
	if err != nil {
		return false
	}
	defer unix.Close(kq)
	var ev [1]unix.Kevent_t
	unix.SetKevent(&ev[0], fd, unix.EVFILT_READ, unix.EV_ADD)
	_, err = unix.Kevent(kq, ev[:], nil, nil)
	return err == nil
}
