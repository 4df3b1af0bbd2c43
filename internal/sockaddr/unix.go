package sockaddr

import (
	"errors"
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// maxUnixPath is the longest socket path the kernel accepts (the size of
// sun_path: 108 bytes on Linux, 104 on the BSDs).
var maxUnixPath = len(unix.RawSockaddrUnix{}.Path)

// ErrEmptyUnixPath is returned for an empty Unix socket path.
var ErrEmptyUnixPath = errors.New("socket: empty Unix socket path")

// FromUnix returns the unix socket address of path. A path that starts with
// '@' names a Linux abstract socket (no file); on other systems it is an
// error. A path longer than the kernel's sun_path is an error that says so.
func FromUnix(path string) (*unix.SockaddrUnix, error) {
	if path == "" {
		return nil, ErrEmptyUnixPath
	}
	if IsAbstract(path) && !abstractNames {
		return nil, fmt.Errorf("socket: %q: abstract Unix socket names (\"@name\") exist only on Linux", path)
	}
	if len(path) > maxUnixPath {
		return nil, fmt.Errorf("socket: Unix socket path is %d bytes long; the system allows at most %d", len(path), maxUnixPath)
	}
	return &unix.SockaddrUnix{Name: path}, nil
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

// SockFile is the file a bound Unix socket created, remembered by device
// and inode so that it is removed only if it is still that file.
type SockFile struct {
	path     string
	dev, ino uint64
}

// StatSockFile records the socket file at path just after bind. It returns
// nil for an abstract name (there is no file).
func StatSockFile(path string) (*SockFile, error) {
	if IsAbstract(path) {
		return nil, nil
	}
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return nil, os.NewSyscallError("lstat", err)
	}
	return &SockFile{path: path, dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil
}

// BindUnix opens a Unix socket of type typ (SOCK_STREAM or SOCK_DGRAM)
// bound to path, a file system path that must not exist yet or "@name"
// for a Linux abstract socket, and records the socket file bind created
// (nil for an abstract name). The caller owns both: on its own failure it
// closes fd and removes the file.
func BindUnix(path string, typ int) (fd int, file *SockFile, err error) {
	sa, err := FromUnix(path)
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
	file, err = StatSockFile(path)
	if err != nil {
		unix.Close(fd)
		return -1, nil, err
	}
	return fd, file, nil
}

// ErrNotOurFile reports that the file at a Unix socket's path is no longer
// the one the socket created (it was removed, or replaced by another
// process), so it was left alone.
var ErrNotOurFile = errors.New("socket: the file at the socket's path is not the one this socket created; left in place")

// Remove removes the socket file if the file at its path is still the one
// recorded; otherwise it leaves the file and returns an error wrapping
// ErrNotOurFile. A nil SockFile removes nothing.
func (f *SockFile) Remove() error {
	if f == nil {
		return nil
	}
	var st unix.Stat_t
	if err := unix.Lstat(f.path, &st); err != nil {
		if err == unix.ENOENT {
			return fmt.Errorf("remove %s: %w (it is gone)", f.path, ErrNotOurFile)
		}
		return &os.PathError{Op: "lstat", Path: f.path, Err: err}
	}
	if uint64(st.Dev) != f.dev || uint64(st.Ino) != f.ino || st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return fmt.Errorf("remove %s: %w", f.path, ErrNotOurFile)
	}
	if err := unix.Unlink(f.path); err != nil {
		return &os.PathError{Op: "remove", Path: f.path, Err: err}
	}
	return nil
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
