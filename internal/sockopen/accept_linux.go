//go:build linux && !386

package sockopen

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
)

// Accept accepts a connection on the listening socket fd; the new socket is
// non-blocking and close-on-exec. It returns the raw errno (EAGAIN when no
// connection is waiting).
//
// It is accept4(2) made directly: the peer's address is written into a
// buffer on the stack and decoded into a value, where unix.Accept4 would
// allocate a unix.Sockaddr for every connection; and the call is a raw one,
// without the scheduler's bookkeeping for calls that may block, because
// the listening socket is non-blocking and accept4 returns at once.
func Accept(fd int) (int, sockaddr.Inet, error) {
	var rsa unix.RawSockaddrAny
	n := uint32(unix.SizeofSockaddrAny)
	r, _, e := unix.RawSyscall6(unix.SYS_ACCEPT4, uintptr(fd), uintptr(unsafe.Pointer(&rsa)), uintptr(unsafe.Pointer(&n)),
		unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0, 0)
	if e != 0 {
		return -1, sockaddr.Inet{}, e
	}
	return int(r), sockaddr.InetFromRaw(&rsa), nil
}
