package socket

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// noSignal is the send flag that keeps a write to a connection the peer
// reset (EPIPE) from raising SIGPIPE.
const noSignal = unix.MSG_NOSIGNAL

// send writes p to the stream socket fd with send(2) and MSG_NOSIGNAL, so
// that a broken connection answers EPIPE whatever the process does with
// SIGPIPE. It is sendto with no address, called directly: x/sys's Send
// does not return the count, and SendmsgN would build a msghdr per write.
func send(fd int, p []byte) (int, error) {
	var ptr unsafe.Pointer
	if len(p) > 0 {
		ptr = unsafe.Pointer(&p[0])
	}
	n, _, e := unix.RawSyscall6(unix.SYS_SENDTO, uintptr(fd), uintptr(ptr), uintptr(len(p)), noSignal, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// sendv writes the buffers in order with one sendmsg(2) and MSG_NOSIGNAL
// (writev with send's flags). Up to 8 buffers need no allocation.
func sendv(fd int, bufs [][]byte) (int, error) {
	var small [8]unix.Iovec
	iov := small[:0]
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		v := unix.Iovec{Base: &b[0]}
		v.SetLen(len(b))
		iov = append(iov, v)
	}
	if len(iov) == 0 {
		return 0, nil
	}
	var msg unix.Msghdr
	msg.Iov = &iov[0]
	msg.SetIovlen(len(iov))
	n, _, e := unix.RawSyscall(unix.SYS_SENDMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), noSignal)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}
