//go:build !linux && !darwin && !freebsd

package socket

import (
	"os"

	"golang.org/x/sys/unix"
)

// peerCred is not implemented on this system yet.
func peerCred(int) (*Ucred, error) {
	return nil, os.NewSyscallError("getsockopt", unix.ENOPROTOOPT)
}
