package netpoll

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawRead is read(2) without the scheduler's bookkeeping for calls that
// may block: fd is non-blocking, so the call returns at once. p is not
// empty.
func rawRead(fd int, p []byte) (int, error) {
	r, _, e := unix.RawSyscall(unix.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// closeSysfd closes fd. A socket with SO_LINGER set may block in close
// until its unsent data is gone, so it goes through the blocking call;
// otherwise close returns at once and the call is a raw one.
func closeSysfd(fd int, lingers bool) {
	if lingers {
		unix.Close(fd)
		return
	}
	unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
}
