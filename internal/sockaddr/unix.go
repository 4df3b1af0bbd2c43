package sockaddr

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"golang.org/x/sys/unix"
)

// maxUnixPath is the longest socket path taken: the size of sun_path (108
// bytes on Linux, 104 on the BSDs) less the byte of the terminating NUL,
// which x/sys (as package syscall) requires room for, abstract name or
// not; the raw datagram sends (socket's dgram_linux.go) keep the same
// bound, so that a name that can be bound can be sent to, and back.
var maxUnixPath = len(unix.RawSockaddrUnix{}.Path) - 1

// ErrEmptyUnixPath is returned for an empty Unix socket path.
var ErrEmptyUnixPath = errors.New("socket: empty Unix socket path")

// FromUnix returns the unix socket address of path. A path that starts with
// '@' names a Linux abstract socket (no file); on other systems it is an
// error. A path longer than the kernel's sun_path is an error that says so,
// and so is a file system path with a NUL byte: the kernel would stop
// reading it there and bind (or connect to) a shorter path than asked.
func FromUnix(path string) (*unix.SockaddrUnix, error) {
	if err := CheckUnix(path); err != nil {
		return nil, err
	}
	return &unix.SockaddrUnix{Name: path}, nil
}

// CheckUnix returns the error FromUnix returns for path, or nil, without
// making the socket address.
func CheckUnix(path string) error {
	if path == "" {
		return ErrEmptyUnixPath
	}
	if !IsAbstract(path) && strings.IndexByte(path, 0) >= 0 {
		return fmt.Errorf("socket: Unix socket path %q contains a NUL byte", path)
	}
	if IsAbstract(path) && !abstractNames {
		return fmt.Errorf("socket: %q: abstract Unix socket names (\"@name\") exist only on Linux", path)
	}
	if len(path) > maxUnixPath {
		return fmt.Errorf("socket: Unix socket path is %d bytes long; the system allows at most %d", len(path), maxUnixPath)
	}
	return nil
}

// IsAbstract reports whether path names a Linux abstract socket.
func IsAbstract(path string) bool { return len(path) > 0 && path[0] == '@' }

// ToUnix converts a unix socket address to a *net.UnixAddr of network
// netw ("unix", "unixgram"); nil if sa is not a Unix address. An unnamed
// socket has an empty Name, as in package net.
func ToUnix(sa unix.Sockaddr, netw string) *net.UnixAddr {
	if s, ok := sa.(*unix.SockaddrUnix); ok {
		return &net.UnixAddr{Name: s.Name, Net: netw}
	}
	return nil
}
