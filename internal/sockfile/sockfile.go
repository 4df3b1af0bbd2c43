// Package sockfile owns the file a bound Unix socket creates: it records
// the file just after bind and removes it on close only if the file at the
// path is still that one.
package sockfile

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
)

// File is the file a bound Unix socket created, remembered by device and
// inode so that it is removed only if it is still that file.
type File struct {
	path     string
	dev, ino uint64
}

// Stat records the socket file at path just after bind. It returns nil for
// an abstract name (there is no file).
func Stat(path string) (*File, error) {
	if sockaddr.IsAbstract(path) {
		return nil, nil
	}
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return nil, os.NewSyscallError("lstat", err)
	}
	return &File{path: path, dev: uint64(st.Dev), ino: uint64(st.Ino)}, nil
}

// ErrNotOurFile reports that the file at a Unix socket's path is no longer
// the one the socket created (it was removed, or replaced by another
// process), so it was left alone. Packages socket and listener export it
// under their own name.
var ErrNotOurFile = errors.New("socket: the file at the socket's path is not the one this socket created; left in place")

// Remove removes the socket file if the file at its path is still the one
// recorded; otherwise it leaves the file and returns an error wrapping
// ErrNotOurFile. A nil File removes nothing.
func (f *File) Remove() error {
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
