package socket

import (
	"net"

	"github.com/eddyio/eddy/internal/sockaddr"
)

// FromTCPConn takes over c, a connection of package net, so that eddy can
// be adopted piece by piece in an existing program: the returned stream
// owns a duplicate of c's descriptor, and c is closed. Data already read
// into c's buffers (there are none in *net.TCPConn) is not lost.
func FromTCPConn(c *net.TCPConn) (*TCPStream, error) {
	fd, err := sockaddr.DupConn(c)
	if err != nil {
		return nil, &net.OpError{Op: "adopt", Net: "tcp", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
	}
	s := newTCPStream(fd)
	s.setAddrs(c.LocalAddr(), c.RemoteAddr()) // package net knows them: no system call
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
	c, err := sockaddr.FileConn(s.fd.Sysfd(), "tcp")
	s.fd.Decref()
	if err != nil {
		return nil, s.opError("release", err)
	}
	s.Close()
	return c.(*net.TCPConn), nil
}
