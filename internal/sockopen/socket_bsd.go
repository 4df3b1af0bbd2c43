//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package sockopen

import (
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
)

// socket opens a socket and then sets its flags; darwin has no SOCK_NONBLOCK,
// so the fork lock keeps the fd from leaking into a child between the calls.
func socket(family, typ, proto int) (int, error) {
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(family, typ, proto)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, err
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := NoSigpipe(fd); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// Accept accepts a connection on the listening socket fd; the new socket is
// non-blocking and close-on-exec.
func Accept(fd int) (int, sockaddr.Inet, error) {
	syscall.ForkLock.RLock()
	nfd, sa, err := unix.Accept(fd)
	if err == nil {
		unix.CloseOnExec(nfd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, sockaddr.Inet{}, err
	}
	if err := unix.SetNonblock(nfd, true); err != nil {
		unix.Close(nfd)
		return -1, sockaddr.Inet{}, err
	}
	if err := NoSigpipe(nfd); err != nil {
		unix.Close(nfd)
		return -1, sockaddr.Inet{}, err
	}
	return nfd, sockaddr.InetFromSockaddr(sa), nil
}
