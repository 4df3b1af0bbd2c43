//go:build darwin || freebsd

package socket

import (
	"os"

	"golang.org/x/sys/unix"
)

// peerCred reads LOCAL_PEERCRED (what getpeereid(3) is built on): the
// peer's effective user and its first group, its effective group.
func peerCred(fd int) (*Ucred, error) {
	x, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	if err != nil {
		return nil, os.NewSyscallError("getsockopt", err)
	}
	c := &Ucred{PID: peerPID(fd), UID: x.Uid}
	if x.Ngroups > 0 {
		c.GID = x.Groups[0]
	}
	return c, nil
}
