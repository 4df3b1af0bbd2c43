//go:build linux

package servers

import (
	"errors"
	"net/netip"

	"golang.org/x/sys/unix"
)

// RawEpoll starts the reference peer: a minimal echo loop on
// golang.org/x/sys/unix with no library. One goroutine waits in an
// edge-triggered epoll; on readiness it reads until EAGAIN into one
// buffer shared by every connection and writes each read back at once.
// A connection holds nothing but its descriptor, except while the kernel
// refuses part of a write: then the rest waits in a buffer of its own, the
// connection is not read again until it has gone out, and EPOLLOUT
// resumes it. loops is ignored: there is one loop.
func RawEpoll(addr string, _ int) (string, func(), error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().Is4() {
		return "", nil, errors.New("rawepoll: want an IPv4 host:port")
	}
	lfd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return "", nil, err
	}
	ep, efd := -1, -1
	fail := func(err error) (string, func(), error) {
		for _, fd := range []int{lfd, ep, efd} {
			if fd >= 0 {
				unix.Close(fd)
			}
		}
		return "", nil, err
	}
	unix.SetsockoptInt(lfd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1)
	if err := unix.Bind(lfd, &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}); err != nil {
		return fail(err)
	}
	if err := unix.Listen(lfd, unix.SOMAXCONN); err != nil {
		return fail(err)
	}
	sa, err := unix.Getsockname(lfd)
	if err != nil {
		return fail(err)
	}
	sa4 := sa.(*unix.SockaddrInet4)
	bound := netip.AddrPortFrom(netip.AddrFrom4(sa4.Addr), uint16(sa4.Port)).String()
	if ep, err = unix.EpollCreate1(unix.EPOLL_CLOEXEC); err != nil {
		return fail(err)
	}
	if efd, err = unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC); err != nil {
		return fail(err)
	}
	for _, fd := range []int{lfd, efd} {
		ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLET, Fd: int32(fd)}
		if err := unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
			return fail(err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		rawLoop(ep, lfd, efd)
	}()
	stop := func() {
		unix.Write(efd, []byte{1, 0, 0, 0, 0, 0, 0, 0})
		<-done
	}
	return started(bound, stop)
}

// rawLoop serves until the event fd efd is written to, then closes every
// descriptor.
func rawLoop(ep, lfd, efd int) {
	buf := make([]byte, BufferSize)
	events := make([]unix.EpollEvent, 256)
	pending := map[int][]byte{} // what the kernel has not taken yet, by fd
	var open fdSet              // the accepted fds, to close them at the end
	closeConn := func(fd int) {
		unix.Close(fd) // also removes it from the epoll set
		delete(pending, fd)
		open.del(fd)
	}
	// echo reads fd until EAGAIN, writing back each read; it stops early
	// when a write is short and keeps the rest in pending.
	echo := func(fd int) {
		for {
			n, err := unix.Read(fd, buf)
			if err == unix.EINTR {
				continue
			}
			if err == unix.EAGAIN {
				return
			}
			if err != nil || n == 0 {
				closeConn(fd)
				return
			}
			rest, err := writeAll(fd, buf[:n])
			if err != nil {
				closeConn(fd)
				return
			}
			if len(rest) > 0 {
				pending[fd] = append([]byte(nil), rest...)
				return
			}
		}
	}
	defer func() {
		for fd := range open.all() {
			unix.Close(fd)
		}
		unix.Close(lfd)
		unix.Close(efd)
		unix.Close(ep)
	}()
	for {
		n, err := unix.EpollWait(ep, events, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return
		}
		for _, ev := range events[:n] {
			fd := int(ev.Fd)
			switch fd {
			case efd:
				return
			case lfd:
				for {
					cfd, _, err := unix.Accept4(lfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
					if err == unix.EINTR || err == unix.ECONNABORTED {
						continue
					}
					if err != nil {
						break // EAGAIN; or out of descriptors: the next edge retries
					}
					unix.SetsockoptInt(cfd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
					cev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET, Fd: int32(cfd)}
					if unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, cfd, &cev) != nil {
						unix.Close(cfd)
						continue
					}
					open.add(cfd)
					echo(cfd) // data may have arrived before the registration
				}
			default:
				if !open.has(fd) {
					continue // closed earlier in this batch
				}
				if p, ok := pending[fd]; ok {
					if ev.Events&(unix.EPOLLOUT|unix.EPOLLERR|unix.EPOLLHUP) == 0 {
						continue // still waiting for room to write
					}
					rest, err := writeAll(fd, p)
					if err != nil {
						closeConn(fd)
						continue
					}
					if len(rest) > 0 {
						pending[fd] = rest
						continue
					}
					delete(pending, fd)
				}
				echo(fd)
			}
		}
	}
}

// writeAll writes p to fd until it is written or the kernel says EAGAIN,
// and returns what is left.
func writeAll(fd int, p []byte) ([]byte, error) {
	for len(p) > 0 {
		n, err := unix.Write(fd, p)
		if err == unix.EINTR {
			continue
		}
		if err == unix.EAGAIN {
			return p, nil
		}
		if err != nil {
			return nil, err
		}
		p = p[n:]
	}
	return nil, nil
}

// fdSet is a set of descriptors, one bit each.
type fdSet []uint64

func (s *fdSet) add(fd int) {
	for len(*s) <= fd/64 {
		*s = append(*s, 0)
	}
	(*s)[fd/64] |= 1 << (fd % 64)
}

func (s fdSet) del(fd int) {
	if fd/64 < len(s) {
		s[fd/64] &^= 1 << (fd % 64)
	}
}

func (s fdSet) has(fd int) bool { return fd/64 < len(s) && s[fd/64]&(1<<(fd%64)) != 0 }

func (s fdSet) all() func(func(int) bool) {
	return func(yield func(int) bool) {
		for i, w := range s {
			for b := range 64 {
				if w&(1<<b) != 0 && !yield(i*64+b) {
					return
				}
			}
		}
	}
}
