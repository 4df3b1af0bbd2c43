package socket

import (
	"os"

	"golang.org/x/sys/unix"
)

// peerCred reads SO_PEERCRED.
func peerCred(fd int) (*Ucred, error) {
	c, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return nil, os.NewSyscallError("getsockopt", err)
	}
	return &Ucred{PID: c.Pid, UID: c.Uid, GID: c.Gid}, nil
}
