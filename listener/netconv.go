package listener

import (
	"net"

	"github.com/eddyio/eddy/internal/sockdup"
)

// FromTCPListener takes over ln, a listener of package net: the returned
// listener owns a duplicate of ln's descriptor, and ln is closed, so
// connections waiting in the backlog are accepted by eddy.
func FromTCPListener(ln *net.TCPListener) (*TCPListener, error) {
	a, _ := ln.Addr().(*net.TCPAddr)
	fd, err := sockdup.DupConn(ln)
	if err != nil {
		return nil, &net.OpError{Op: "adopt", Net: "tcp", Addr: a, Err: err}
	}
	ln.Close()
	return newTCPListener(fd, a), nil
}

// IntoTCPListener hands the listener back to package net: it returns a
// *net.TCPListener on a duplicate of the descriptor and closes l. No task
// may be accepting on l.
func (l *TCPListener) IntoTCPListener() (*net.TCPListener, error) {
	if err := l.fd.Incref(); err != nil {
		return nil, &net.OpError{Op: "release", Net: "tcp", Addr: l.addr, Err: err}
	}
	ln, err := sockdup.FileListener(l.fd.Sysfd(), "tcp")
	l.fd.Decref()
	if err != nil {
		return nil, &net.OpError{Op: "release", Net: "tcp", Addr: l.addr, Err: err}
	}
	l.Close()
	return ln.(*net.TCPListener), nil
}
