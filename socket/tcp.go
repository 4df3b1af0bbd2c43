package socket

import (
	"io"
	"net"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/sockaddr"
)

// TCPStream is a connected, non-blocking TCP socket. It implements
// aio.AsyncReader, aio.AsyncWriter and aio.ReadinessReader.
//
// A TCPStream is used by the tasks of one loop: one task reading and one
// task writing at a time. Close and the address and option methods are safe
// from any goroutine.
type TCPStream struct {
	fd *netpoll.FD

	addrOnce     sync.Once
	laddr, raddr net.Addr
}

// NewTCPStream takes over sysfd, a connected TCP socket, and makes it
// non-blocking. The TCPStream owns the descriptor from then on: closing it
// closes sysfd.
func NewTCPStream(sysfd int) (*TCPStream, error) {
	if err := unix.SetNonblock(sysfd, true); err != nil {
		return nil, os.NewSyscallError("fcntl", err)
	}
	s := newTCPStream(sysfd)
	s.addrs() // now, while the peer is there to name: errors after a reset still say who it was
	return s, nil
}

func newTCPStream(sysfd int) *TCPStream {
	s := &TCPStream{}
	s.fd = netpoll.NewFD(sysfd, s)
	return s
}

func (s *TCPStream) addrs() {
	s.addrOnce.Do(func() {
		if sa := sockaddr.LocalAddr(s.fd.Sysfd()); sa != nil {
			if a := sockaddr.ToTCP(sa); a != nil {
				s.laddr = a
			}
		}
		if sa := sockaddr.PeerAddr(s.fd.Sysfd()); sa != nil {
			if a := sockaddr.ToTCP(sa); a != nil {
				s.raddr = a
			}
		}
	})
}

// LocalAddr returns the local address of the socket.
func (s *TCPStream) LocalAddr() net.Addr { s.addrs(); return s.laddr }

// RemoteAddr returns the address of the peer.
func (s *TCPStream) RemoteAddr() net.Addr { s.addrs(); return s.raddr }

// opError wraps err with the operation and the socket's addresses; io.EOF
// passes through unwrapped.
func (s *TCPStream) opError(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	s.addrs()
	return &net.OpError{Op: op, Net: "tcp", Source: s.laddr, Addr: s.raddr, Err: err}
}

func wrap[T any](s *TCPStream, op string, p future.Poll[T]) future.Poll[T] {
	if err := p.Err(); err != nil && err != io.EOF {
		return future.Result(p.Value(), s.opError(op, err))
	}
	return p
}

// PollRead reads into p; see aio.AsyncReader.
func (s *TCPStream) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	return wrap(s, "read", s.fd.PollRead(cx, p))
}

// PollReadReady answers ready when a read may make progress, without a
// system call; see aio.ReadinessReader.
func (s *TCPStream) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	return wrap(s, "read", s.fd.PollReady(cx, netpoll.Read))
}

// PollWrite writes from p; see aio.AsyncWriter.
func (s *TCPStream) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	return wrap(s, "write", s.fd.PollWrite(cx, p))
}

// PollFlush is ready at once: a TCP socket buffers nothing in user space.
func (s *TCPStream) PollFlush(*future.Context) future.Poll[struct{}] {
	if s.fd.Closed() {
		return future.Fail[struct{}](s.opError("flush", net.ErrClosed))
	}
	return future.Ok(struct{}{})
}

// PollShutdown shuts down the write side: the peer reads EOF once it has
// read everything written before; reading from the socket goes on.
func (s *TCPStream) PollShutdown(*future.Context) future.Poll[struct{}] {
	return future.Fail[struct{}](s.shutdown(unix.SHUT_WR))
}

// CloseWrite shuts down the write side at once (see PollShutdown).
func (s *TCPStream) CloseWrite() error { return s.shutdown(unix.SHUT_WR) }

func (s *TCPStream) shutdown(how int) error {
	if err := s.fd.Incref(); err != nil {
		return s.opError("shutdown", err)
	}
	defer s.fd.Decref()
	if err := unix.Shutdown(s.fd.Sysfd(), how); err != nil {
		return s.opError("shutdown", os.NewSyscallError("shutdown", err))
	}
	return nil
}

// Split returns a read half and a write half of the stream that can be
// used by different tasks (see aio.Split). Closing the stream ends both.
func (s *TCPStream) Split() (*aio.ReadHalf, *aio.WriteHalf) { return aio.Split(s) }

// SetNoDelay turns Nagle's algorithm off (true) or on (false).
func (s *TCPStream) SetNoDelay(noDelay bool) error {
	v := 0
	if noDelay {
		v = 1
	}
	return s.setsockopt("set", unix.IPPROTO_TCP, unix.TCP_NODELAY, v)
}

// NoDelay reports whether Nagle's algorithm is off.
func (s *TCPStream) NoDelay() (bool, error) {
	v, err := s.getsockopt(unix.IPPROTO_TCP, unix.TCP_NODELAY)
	return v != 0, err
}

func (s *TCPStream) setsockopt(op string, level, name, v int) error {
	if err := s.fd.Incref(); err != nil {
		return s.opError(op, err)
	}
	defer s.fd.Decref()
	if err := unix.SetsockoptInt(s.fd.Sysfd(), level, name, v); err != nil {
		return s.opError(op, os.NewSyscallError("setsockopt", err))
	}
	return nil
}

func (s *TCPStream) getsockopt(level, name int) (int, error) {
	if err := s.fd.Incref(); err != nil {
		return 0, s.opError("get", err)
	}
	defer s.fd.Decref()
	v, err := unix.GetsockoptInt(s.fd.Sysfd(), level, name)
	if err != nil {
		return 0, s.opError("get", os.NewSyscallError("getsockopt", err))
	}
	return v, nil
}

// Close deregisters the socket from its loop, wakes every task parked on it
// (they see net.ErrClosed), and closes the descriptor. A second Close
// answers an error that wraps net.ErrClosed.
func (s *TCPStream) Close() error {
	if err := s.fd.Close(); err != nil {
		return s.opError("close", err)
	}
	return nil
}
