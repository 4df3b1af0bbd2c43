package socket

import "golang.org/x/sys/unix"

// peerPID reads LOCAL_PEERPID; -1 if the system does not say.
func peerPID(fd int) int32 {
	pid, err := unix.GetsockoptInt(fd, unix.SOL_LOCAL, unix.LOCAL_PEERPID)
	if err != nil {
		return -1
	}
	return int32(pid)
}
