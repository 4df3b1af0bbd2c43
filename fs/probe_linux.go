package fs

import "golang.org/x/sys/unix"

// pipeBuf is PIPE_BUF: a write of at most this many bytes to a pipe that
// poll(2) reports writable does not block.
const pipeBuf = 4096

// pollable reports whether the reactor can watch fd: epoll refuses regular
// files, directories and devices without a poll method (EPERM).
func pollable(fd int) bool {
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return false
	}
	defer unix.Close(ep)
	ev := unix.EpollEvent{Events: unix.EPOLLIN}
	return unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &ev) == nil
}
