//go:build !linux

package socket

import "golang.org/x/sys/unix"

// shutdown is shutdown(2); system calls here go through libc.
func shutdown(fd, how int) error { return unix.Shutdown(fd, how) }
