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
