package socket

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockdup"
)

// FromTCPConn takes over c, a connection of package net, so that eddy can
// be adopted piece by piece in an existing program: the returned stream
// owns a duplicate of c's descriptor, and c is closed. Data already read
// into c's buffers (there are none in *net.TCPConn) is not lost.
func FromTCPConn(c *net.TCPConn) (*TCPStream, error) {
	fd, err := sockdup.DupConn(c)
	if err != nil {
		return nil, &net.OpError{Op: "adopt", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
	}
	s := newTCPStream(fd)
	s.setAddrs(c.LocalAddr(), c.RemoteAddr()) // package net knows them: no system call
	if l, err := unix.GetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER); err == nil && l.Onoff != 0 && l.Linger > 0 {
		s.fd.SetLingers(true) // set before the hand-over: Close may block
	}
	c.Close()
	return s, nil
}

// IntoTCPConn hands the connection back to package net: it returns a
// *net.TCPConn on a duplicate of the descriptor and closes s. No task may
// be using s.
func (s *TCPStream) IntoTCPConn() (*net.TCPConn, error) {
	if err := s.fd.Incref(); err != nil {
		return nil, s.opError("release", err)
	}
	// The duplicate keeps the open file alive after s closes: s must
	// leave the poller by deregistering, not by being closed.
	s.fd.SetShared()
	c, err := sockdup.FileConn(s.fd.Sysfd(), "tcp")
	s.fd.Decref()
	if err != nil {
		return nil, s.opError("release", err)
	}
	s.Close()
	return c.(*net.TCPConn), nil
}

// FromUDPConn takes over c, a UDP socket of package net, as FromTCPConn
// does a TCP connection: the returned socket owns a duplicate of c's
// descriptor, keeps its address family, its bound address and, if c was
// connected (net.DialUDP), its peer as the address of Send, Recv and
// RemoteAddr; c is closed. Nothing is registered with any loop until the
// socket is polled.
func FromUDPConn(c *net.UDPConn) (*UDPSocket, error) {
	opErr := func(err error) error {
		return &net.OpError{Op: "adopt", Net: "udp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
	}
	fd, err := sockdup.DupConn(c)
	if err != nil {
		return nil, opErr(err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, opErr(os.NewSyscallError("getsockname", err))
	}
	laddr := sockaddr.ToUDP(sa)
	if laddr == nil {
		unix.Close(fd)
		return nil, opErr(&net.AddrError{Err: "not a UDP socket", Addr: c.LocalAddr().String()})
	}
	family := unix.AF_INET6
	if _, ok := sa.(*unix.SockaddrInet4); ok {
		family = unix.AF_INET
	}
	u := &UDPSocket{family: family}
	u.init(fd, "udp", laddr, nil, u)
	if ra, ok := c.RemoteAddr().(*net.UDPAddr); ok && ra != nil {
		u.raddr = ra
	}
	c.Close()
	return u, nil
}
