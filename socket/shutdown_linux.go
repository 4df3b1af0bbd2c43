package socket

import "golang.org/x/sys/unix"

// shutdown is shutdown(2) as a raw system call: it never blocks (it queues
// a FIN or marks the read side closed), so it needs none of the
// scheduler's bookkeeping for calls that may.
func shutdown(fd, how int) error {
	if _, _, e := unix.RawSyscall(unix.SYS_SHUTDOWN, uintptr(fd), uintptr(how), 0); e != 0 {
		return e
	}
	return nil
}
