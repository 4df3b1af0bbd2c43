package socket

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockadopt"
	"github.com/eddyio/eddy/internal/sockopen"
)

// TCPStream is a connected, non-blocking TCP socket. It implements
// aio.AsyncReader, aio.AsyncWriter and aio.ReadinessReader.
//
// A TCPStream is used by the tasks of one loop: one task reading and one
// task writing at a time. Close and the address and option methods are safe
// from any goroutine.
type TCPStream struct {
	conn
}

// NewTCPStream takes over sysfd, a connected TCP socket, and makes it
// non-blocking. The TCPStream owns the descriptor from then on: closing it
// closes sysfd.
func NewTCPStream(sysfd int) (*TCPStream, error) {
	if err := unix.SetNonblock(sysfd, true); err != nil {
		return nil, os.NewSyscallError("fcntl", err)
	}
	if err := sockopen.NoSigpipe(sysfd); err != nil {
		return nil, os.NewSyscallError("setsockopt", err)
	}
	s := newTCPStream(sysfd)
	s.addrs() // now, while the peer is there to name: errors after a reset still say who it was
	return s, nil
}

// init registers the constructors package listener uses for accepted
// streams (see internal/sockadopt): the addresses of a TCP stream come
// from accept and the listener, a Unix stream's are looked up. An accepted
// descriptor is eddy's alone (netpoll.FD.SetSole), so closing it is what
// takes it out of the poller; so is one that Connect, ConnectUnix or
// UnixPair made. A descriptor eddy was handed (NewTCPStream, FromTCPConn)
// stays shared.
func init() {
	sockadopt.SharedLocal = func(laddr net.Addr) any { return sharedLocal(laddr) }
	sockadopt.Register(func(cx *future.Context, fd int, local any, peer sockaddr.Inet) *TCPStream {
		s := newTCPStream(fd)
		l, _ := local.(*connAddrs)
		s.setPeer(l, peer) // kept inline: the *net.TCPAddr is built on first use
		s.fd.SetSole()     // accept made it; only IntoTCPConn shares it (SetShared)
		s.fd.Track(cx)
		return s
	})
	sockadopt.Register(func(cx *future.Context, fd int, _ any, _ sockaddr.Inet) *UnixStream {
		s := newUnixStream(fd)
		s.addrs()
		s.fd.SetSole()
		s.fd.Track(cx)
		return s
	})
}

func newTCPStream(sysfd int) *TCPStream {
	s := &TCPStream{}
	s.conn.init(sysfd, kindTCP)
	return s
}

func tcpAddr(sa unix.Sockaddr) net.Addr {
	if a := sockaddr.ToTCP(sa); a != nil {
		return a
	}
	return nil
}

// SetNoDelay turns Nagle's algorithm off (true) or on (false).
func (s *TCPStream) SetNoDelay(noDelay bool) error {
	return s.setsockopt(unix.IPPROTO_TCP, unix.TCP_NODELAY, boolInt(noDelay))
}

// NoDelay reports whether Nagle's algorithm is off.
func (s *TCPStream) NoDelay() (bool, error) {
	v, err := s.getsockopt(unix.IPPROTO_TCP, unix.TCP_NODELAY)
	return v != 0, err
}
