// Package sockdup duplicates socket descriptors across the border with
// package net: it takes a non-blocking duplicate of a net connection's or
// listener's descriptor, and hands a descriptor back as a net.Conn or
// net.Listener on a duplicate.
package sockdup

import (
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockopen"
)

// DupConn duplicates the descriptor of c (a *net.TCPConn, *net.UnixConn,
// *net.TCPListener, ...) as a non-blocking, close-on-exec descriptor the
// caller owns, without touching c's own descriptor. On darwin the socket
// (shared by both descriptors) gets SO_NOSIGPIPE (see sockopen.NoSigpipe).
func DupConn(c syscall.Conn) (int, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return -1, err
	}
	nfd := -1
	var dupErr error
	if err := rc.Control(func(fd uintptr) {
		nfd, dupErr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return -1, err
	}
	if dupErr != nil {
		return -1, os.NewSyscallError("fcntl", dupErr)
	}
	if err := unix.SetNonblock(nfd, true); err != nil {
		unix.Close(nfd)
		return -1, os.NewSyscallError("fcntl", err)
	}
	if err := sockopen.NoSigpipe(nfd); err != nil {
		unix.Close(nfd)
		return -1, os.NewSyscallError("setsockopt", err)
	}
	return nfd, nil
}

// DupFile duplicates fd into an *os.File the caller owns, for handing a
// socket back to package net with net.FileConn or net.FileListener.
func DupFile(fd int, name string) (*os.File, error) {
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("fcntl", err)
	}
	return os.NewFile(uintptr(nfd), name), nil
}

// FileConn returns a net.Conn for a duplicate of fd; fd is untouched.
func FileConn(fd int, name string) (net.Conn, error) {
	f, err := DupFile(fd, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return net.FileConn(f)
}

// FileListener returns a net.Listener for a duplicate of fd; fd is untouched.
func FileListener(fd int, name string) (net.Listener, error) {
	f, err := DupFile(fd, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return net.FileListener(f)
}
