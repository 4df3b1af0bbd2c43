//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package sockopen

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// socketpair creates the pair and then sets the flags, under the fork lock
// (darwin has no SOCK_NONBLOCK | SOCK_CLOEXEC).
func socketpair(family, typ, proto int) ([2]int, error) {
	syscall.ForkLock.RLock()
	fds, err := unix.Socketpair(family, typ, proto)
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return fds, err
	}
	for _, fd := range fds {
		err := unix.SetNonblock(fd, true)
		if err == nil {
			err = NoSigpipe(fd)
		}
		if err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			return [2]int{-1, -1}, err
		}
	}
	return fds, nil
}
