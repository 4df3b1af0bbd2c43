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

// tcpInq is the TCP_INQ socket option (and its control message's type):
// a recvmsg on a stream socket with it on also answers how many bytes are
// left in the receive queue.
const tcpInq = unix.TCP_INQ

// rawRecvInq is recvmsg(2) on fd, a TCP socket with TCP_INQ on, into p (not
// empty), raw as rawRead is: it returns the count read and the bytes left
// in the receive queue (left is -1 if the kernel did not say). After a FIN
// the kernel answers at least 1, so that the end of input is still read.
func rawRecvInq(fd int, p []byte) (n, left int, err error) {
	var (
		iov unix.Iovec
		msg unix.Msghdr
		ctl [4]uint64 // a cmsghdr and an int, aligned
	)
	iov.Base = &p[0]
	iov.SetLen(len(p))
	msg.Iov = &iov
	msg.SetIovlen(1)
	msg.Control = (*byte)(unsafe.Pointer(&ctl[0]))
	msg.SetControllen(int(unsafe.Sizeof(ctl)))
	r, _, e := unix.RawSyscall(unix.SYS_RECVMSG, uintptr(fd), uintptr(unsafe.Pointer(&msg)), 0)
	if e != 0 {
		return 0, -1, e
	}
	left = -1
	h := (*unix.Cmsghdr)(unsafe.Pointer(&ctl[0]))
	if uint64(msg.Controllen) >= uint64(unix.CmsgLen(4)) && h.Level == unix.IPPROTO_TCP && h.Type == tcpInq {
		left = int(*(*int32)(unsafe.Add(unsafe.Pointer(&ctl[0]), unix.CmsgLen(0))))
	}
	return int(r), left, nil
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
