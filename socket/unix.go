package socket

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockopen"
)

// UnixStream is a connected, non-blocking Unix domain stream socket
// (SOCK_STREAM). It implements aio.AsyncReader, aio.AsyncWriter and
// aio.ReadinessReader, like [TCPStream].
//
// A UnixStream is used by the tasks of one loop: one task reading and one
// task writing at a time. Close, Shutdown, PeerCred and the address
// methods are safe from any goroutine.
type UnixStream struct {
	conn
}

func unixStreamAddr(sa unix.Sockaddr) net.Addr {
	if a := sockaddr.ToUnix(sa, "unix"); a != nil {
		return a
	}
	return nil
}

// NewUnixStream takes over sysfd, a connected Unix stream socket, and makes
// it non-blocking. The UnixStream owns the descriptor from then on: closing
// it closes sysfd.
func NewUnixStream(sysfd int) (*UnixStream, error) {
	if err := unix.SetNonblock(sysfd, true); err != nil {
		return nil, os.NewSyscallError("fcntl", err)
	}
	if err := sockopen.NoSigpipe(sysfd); err != nil {
		return nil, os.NewSyscallError("setsockopt", err)
	}
	s := newUnixStream(sysfd)
	s.addrs()
	return s, nil
}

func newUnixStream(sysfd int) *UnixStream {
	s := &UnixStream{}
	s.conn.init(sysfd, kindUnix)
	return s
}

// UnixPair returns two connected Unix stream sockets (socketpair(2)): what
// is written to one is read from the other. Both are unnamed.
func UnixPair() (*UnixStream, *UnixStream, error) {
	fds, err := sockopen.Socketpair(unix.SOCK_STREAM)
	if err != nil {
		return nil, nil, &net.OpError{Op: "socketpair", Net: "unix", Err: err}
	}
	a, b := newUnixStream(fds[0]), newUnixStream(fds[1])
	a.fd.SetSole() // made here, and a Unix stream is never handed out
	b.fd.SetSole()
	a.addrs()
	b.addrs()
	return a, b, nil
}

// PeerCred returns the credentials of the process at the other end, as the
// kernel recorded them when the connection was made (SO_PEERCRED on Linux,
// LOCAL_PEERCRED on macOS and FreeBSD).
func (s *UnixStream) PeerCred() (*Ucred, error) {
	if err := s.fd.Incref(); err != nil {
		return nil, s.opError("peercred", err)
	}
	defer s.fd.Decref()
	c, err := peerCred(s.fd.Sysfd())
	if err != nil {
		return nil, s.opError("peercred", err)
	}
	return c, nil
}

// Ucred is the identity of the peer process of a Unix socket.
type Ucred struct {
	// PID is the peer's process ID, or -1 where the system does not say
	// (FreeBSD).
	PID int32
	// UID is the peer's effective user ID.
	UID uint32
	// GID is the peer's effective group ID.
	GID uint32
}

// connectUnix is the state of a ConnectUnix future.
type connectUnix struct {
	path   string
	raddr  *net.UnixAddr
	stream *UnixStream
	done   bool
}

// ConnectUnix returns a future that connects to the Unix stream socket at
// path (a file system path, or "@name" for a Linux abstract socket) and is
// ready with the connected stream. Nothing happens until it is polled.
//
// A listener whose backlog is full refuses at once: on Linux the future
// fails with EAGAIN rather than waiting, as net.Dial("unix", ...) does.
func ConnectUnix(path string) future.Future[*UnixStream] {
	return &connectUnix{path: path, raddr: &net.UnixAddr{Name: path, Net: "unix"}}
}

func (c *connectUnix) fail(err error) future.Poll[*UnixStream] {
	c.done = true
	if c.stream != nil {
		c.stream.Close()
		c.stream = nil
	}
	return future.Fail[*UnixStream](&net.OpError{Op: "dial", Net: "unix", Addr: c.raddr, Err: err})
}

func (c *connectUnix) Poll(cx *future.Context) future.Poll[*UnixStream] {
	if c.done {
		return future.Fail[*UnixStream](future.ErrPolledAfterCompletion)
	}
	if c.stream == nil {
		inProgress, err := c.start()
		if err != nil {
			return c.fail(err)
		}
		if !inProgress {
			s := c.stream
			s.addrs()
			c.stream, c.done = nil, true
			return future.Ok(s)
		}
	}
	// The BSDs may answer EINPROGRESS: the connection completes when the
	// socket turns writable, and SO_ERROR and getpeername say how (see
	// pollConnectDone).
	p := pollConnectDone(&c.stream.fd, cx)
	if p.IsPending() {
		return future.Pending[*UnixStream]()
	}
	if err := p.Err(); err != nil {
		return c.fail(err)
	}
	s := c.stream
	s.addrs()
	c.stream, c.done = nil, true
	return future.Ok(s)
}

// start opens the socket and connects; it reports whether the connection
// is still in progress.
func (c *connectUnix) start() (bool, error) {
	sa, err := sockaddr.FromUnix(c.path)
	if err != nil {
		return false, err
	}
	fd, err := sockopen.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return false, err
	}
	c.stream = newUnixStream(fd)
	c.stream.fd.SetSole() // made here, and a Unix stream is never handed out
	for {
		err = unix.Connect(fd, sa)
		if err != unix.EINTR {
			break
		}
	}
	switch err {
	case nil, unix.EISCONN:
		return false, nil
	case unix.EINPROGRESS, unix.EALREADY:
		return true, nil
	}
	return false, os.NewSyscallError("connect", err)
}
