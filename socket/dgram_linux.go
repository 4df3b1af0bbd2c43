package socket

import (
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
)

// recvmsg receives one datagram into p with recvmsg(2), made raw (the
// descriptor is non-blocking) and with the sender's address read from a
// buffer on this stack, so that it allocates nothing: x/sys's Recvmsg
// allocates the sender's address and the call's vectors. recvFlags asks
// for the real length, so the full size of a truncated datagram is known.
func recvmsg(fd int, p []byte) (message, error) {
	var rsa unix.RawSockaddrAny
	n, flags, namelen, err := rawmsg(unix.SYS_RECVMSG, fd, p, &rsa, unix.SizeofSockaddrAny, recvFlags)
	if err != nil {
		return message{}, err
	}
	var m message
	m.received(p, n, flags)
	if namelen > 0 {
		m.from = peerFromRaw(&rsa, int(namelen))
	}
	return m, nil
}

// rawmsg makes one recvmsg(2) or sendmsg(2) (trap) on fd with p as its
// one vector and the first namelen bytes of rsa as its address (none if
// namelen is 0), raw: fd is non-blocking. It returns the call's result and
// the message's flags and address length as the kernel left them.
func rawmsg(trap uintptr, fd int, p []byte, rsa *unix.RawSockaddrAny, namelen uint32, flags int) (n, msgFlags int, outlen uint32, err error) {
	var (
		iov unix.Iovec
		msg unix.Msghdr
	)
	if len(p) > 0 {
		iov.Base = &p[0]
		iov.SetLen(len(p))
	}
	if namelen > 0 {
		msg.Name = (*byte)(unsafe.Pointer(rsa))
		msg.Namelen = namelen
	}
	msg.Iov = &iov
	msg.SetIovlen(1)
	r, _, e := unix.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&msg)), uintptr(flags))
	if e != 0 {
		return 0, 0, 0, e
	}
	return int(r), int(msg.Flags), msg.Namelen, nil
}

// peerFromRaw decodes the sender's address the kernel wrote to rsa, n
// bytes of it. The path of a named Unix sender is the one allocation.
func peerFromRaw(rsa *unix.RawSockaddrAny, n int) peer {
	if rsa.Addr.Family != unix.AF_UNIX {
		return peer{inet: sockaddr.InetFromRaw(rsa)}
	}
	sun := (*unix.RawSockaddrUnix)(unsafe.Pointer(rsa))
	path := unsafe.Slice((*byte)(unsafe.Pointer(&sun.Path[0])), len(sun.Path))
	n = min(n-int(unsafe.Offsetof(sun.Path)), len(path))
	if n <= 0 {
		return peer{} // unbound
	}
	if path[0] == 0 { // an abstract name: Linux's "@name"
		return peer{path: "@" + string(path[1:n])}
	}
	end := 0
	for end < n && path[end] != 0 {
		end++
	}
	return peer{path: string(path[:end])}
}

// sendmsg sends p as one datagram to to (the zero dest: the connected
// peer) with sendmsg(2), made raw, the destination's socket address built
// on this stack (rawSockaddr): it allocates nothing, where x/sys's
// SendmsgN allocates the address. MSG_NOSIGNAL keeps a send on a socket
// whose sending side is shut down from raising SIGPIPE.
func sendmsg(fd int, p []byte, to *dest) (int, error) {
	var rsa unix.RawSockaddrAny
	n, _, _, err := rawmsg(unix.SYS_SENDMSG, fd, p, &rsa, to.rawSockaddr(&rsa), noSignal)
	return n, err
}

// rawSockaddr writes to's socket address to rsa in the kernel's layout
// and returns its length; 0 (nothing written) for the zero dest.
func (to *dest) rawSockaddr(rsa *unix.RawSockaddrAny) uint32 {
	switch to.family {
	case unix.AF_INET:
		sin := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		sin.Family = unix.AF_INET
		putPort(&sin.Port, to.ap.Port())
		sin.Addr = to.ap.Addr().Unmap().As4()
		return unix.SizeofSockaddrInet4
	case unix.AF_INET6:
		sin6 := (*unix.RawSockaddrInet6)(unsafe.Pointer(rsa))
		sin6.Family = unix.AF_INET6
		putPort(&sin6.Port, to.ap.Port())
		sin6.Addr = to.ap.Addr().As16()
		sin6.Scope_id = to.zone
		return unix.SizeofSockaddrInet6
	case unix.AF_UNIX:
		sun := (*unix.RawSockaddrUnix)(unsafe.Pointer(rsa))
		sun.Family = unix.AF_UNIX
		for i := range len(to.path) {
			sun.Path[i] = int8(to.path[i])
		}
		n := int(unsafe.Offsetof(sun.Path)) + len(to.path)
		if sockaddr.IsAbstract(to.path) {
			sun.Path[0] = 0 // an abstract name has no terminating NUL
		} else {
			n = min(n+1, unix.SizeofSockaddrUnix) // the NUL, which rsa has
		}
		return uint32(n)
	}
	return 0
}

// putPort stores port in network byte order.
func putPort(p *uint16, port uint16) {
	b := (*[2]byte)(unsafe.Pointer(p))
	b[0], b[1] = byte(port>>8), byte(port)
}
