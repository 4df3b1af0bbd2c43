// Package sockopen opens the non-blocking, close-on-exec sockets the socket
// and listener packages are built on: a new socket, a socket pair, a Unix
// socket bound to a path, and an accepted connection. Every socket it
// opens is ready for writes that raise no SIGPIPE (see NoSigpipe).
package sockopen

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockfile"
)

// Socket opens a non-blocking, close-on-exec socket.
func Socket(family, typ, proto int) (int, error) {
	fd, err := socket(family, typ, proto)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// Socketpair returns a connected pair of non-blocking, close-on-exec Unix
// sockets of type typ (SOCK_STREAM or SOCK_DGRAM).
func Socketpair(typ int) ([2]int, error) {
	fds, err := socketpair(unix.AF_UNIX, typ, 0)
	if err != nil {
		return fds, os.NewSyscallError("socketpair", err)
	}
	return fds, nil
}

// BindUnix opens a Unix socket of type typ (SOCK_STREAM or SOCK_DGRAM)
// bound to path, a file system path that must not exist yet or "@name"
// for a Linux abstract socket, and records the socket file bind created
// (nil for an abstract name). The caller owns both: on its own failure it
// closes fd and removes the file.
func BindUnix(path string, typ int) (fd int, file *sockfile.File, err error) {
	sa, err := sockaddr.FromUnix(path)
	if err != nil {
		return -1, nil, err
	}
	fd, err = Socket(unix.AF_UNIX, typ, 0)
	if err != nil {
		return -1, nil, err
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, nil, os.NewSyscallError("bind", err)
	}
	file, err = sockfile.Stat(path)
	if err != nil {
		unix.Close(fd)
		return -1, nil, err
	}
	return fd, file, nil
}
