package socket

import (
	"io"
	"net"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/sockaddr"
)

// conn is the shared core of the connected stream sockets (TCPStream and
// UnixStream): the reactor fd, its kind (which names the network in errors
// and converts addresses), and the addresses. Its exported methods are
// promoted to the socket types that embed it.
//
// An idle accepted connection holds no address allocation: the peer's
// address from accept is kept inline, the local one is the listener's, and
// the net.Addr values are built on first use (RemoteAddr, an error) and
// cached.
type conn struct {
	fd    netpoll.FD   // by value: one allocation per stream
	local *net.TCPAddr // the local address when known without asking (the listener's), or nil

	// named caches both addresses once built or looked up. It is set once
	// (a compare-and-swap, so concurrent first askers agree) and never
	// changes after: whichever goroutines ask and close, no data race.
	named atomic.Pointer[connAddrs]

	// The peer's internet address from accept, kept with no pointer until
	// named is built: the raw address, its IPv6 scope and the port (a
	// struct of its own would be padded, and the stream would take the next
	// size class).
	peerIP   [16]byte
	peerZone uint32
	peerPort uint16
	peerFam  uint8 // sockaddr.FamilyNone, FamilyInet4 or FamilyInet6
	kind     connKind
}

// connAddrs is a stream's pair of addresses; nil where unknown.
type connAddrs struct{ laddr, raddr net.Addr }

// connKind is what kind of stream a conn is.
type connKind uint8

const (
	kindTCP connKind = iota
	kindUnix
)

// netw is the Net of the stream's *net.OpError values.
func (k connKind) netw() string {
	if k == kindUnix {
		return "unix"
	}
	return "tcp"
}

// toAddr converts a getsockname/getpeername result to the stream's
// address type (nil if it is not one).
func (k connKind) toAddr(sa unix.Sockaddr) net.Addr {
	if k == kindUnix {
		return unixStreamAddr(sa)
	}
	return tcpAddr(sa)
}

// setPeer keeps a, the peer's internet address as accept returned it,
// inline (a Unix address is not kept: a Unix stream looks it up).
func (c *conn) setPeer(a sockaddr.Inet) {
	if a.Family == sockaddr.FamilyInet4 || a.Family == sockaddr.FamilyInet6 {
		c.peerIP, c.peerZone, c.peerPort, c.peerFam = a.IP, a.Zone, a.Port, a.Family
	}
}

// peer returns the address setPeer kept, or nil.
func (c *conn) peer() unix.Sockaddr {
	return sockaddr.Inet{IP: c.peerIP, Zone: c.peerZone, Port: c.peerPort, Family: c.peerFam}.Sockaddr()
}

// init wraps sysfd. A stream's Close is its FD's, so the FD needs no owner:
// a loop that shuts down with the stream open closes the FD.
func (c *conn) init(sysfd int, kind connKind) {
	c.kind = kind
	c.fd.Init(sysfd)
	if kind == kindTCP {
		c.fd.SetTCP()
	}
}

// setAddrs records addresses already known (from accept or package net),
// so that none is asked of the kernel; a nil laddr is still looked up, on
// first use. It is called before the socket is handed to anyone.
func (c *conn) setAddrs(laddr, raddr net.Addr) {
	if laddr != nil && raddr != nil {
		c.named.Store(&connAddrs{laddr, raddr})
		return
	}
	c.local, _ = laddr.(*net.TCPAddr)
	if ta, ok := raddr.(*net.TCPAddr); ok && ta != nil {
		if sa, _, err := sockaddr.FromTCP(ta); err == nil {
			c.setPeer(sockaddr.InetFromSockaddr(sa))
		}
	}
}

// addrs returns the addresses, built or looked up once. A connected socket
// calls it as soon as it is connected, while the peer is there to name, so
// that errors after the peer is gone still say who it was. The lookup holds
// a reference on the descriptor: once the socket is closed its number may
// belong to another socket, so an address not yet known stays nil.
func (c *conn) addrs() (laddr, raddr net.Addr) {
	a := c.named.Load()
	if a == nil {
		a = c.lookupAddrs()
		if !c.named.CompareAndSwap(nil, a) {
			a = c.named.Load() // another goroutine was first: keep its answer
		}
	}
	return a.laddr, a.raddr
}

func (c *conn) lookupAddrs() *connAddrs {
	a := &connAddrs{}
	if c.local != nil {
		a.laddr = c.local
	}
	if c.peerFam != 0 {
		a.raddr = c.kind.toAddr(c.peer()) // known from accept
	}
	if a.laddr != nil && a.raddr != nil {
		return a
	}
	if err := c.fd.Incref(); err != nil {
		return a // closed: nothing is asked of a number that may be reused
	}
	defer c.fd.Decref()
	if a.laddr == nil {
		if sa := sockaddr.LocalAddr(c.fd.Sysfd()); sa != nil {
			a.laddr = c.kind.toAddr(sa)
		}
	}
	if a.raddr == nil {
		if sa := sockaddr.PeerAddr(c.fd.Sysfd()); sa != nil {
			a.raddr = c.kind.toAddr(sa)
		}
	}
	return a
}

// LocalAddr returns the local address of the socket. It is nil if the
// socket was closed before its address was first asked.
func (c *conn) LocalAddr() net.Addr {
	laddr, _ := c.addrs()
	return laddr
}

// RemoteAddr returns the address of the peer. It is nil if the socket was
// closed before its peer's address was first asked (a connected or
// accepted stream knows it from the start).
func (c *conn) RemoteAddr() net.Addr {
	_, raddr := c.addrs()
	return raddr
}

// opError wraps err with the operation and the socket's addresses; io.EOF
// passes through unwrapped.
func (c *conn) opError(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	laddr, raddr := c.addrs()
	return &net.OpError{Op: op, Net: c.kind.netw(), Source: laddr, Addr: raddr, Err: err}
}

func wrapConn[T any](c *conn, op string, p future.Poll[T]) future.Poll[T] {
	if err := p.Err(); err != nil && err != io.EOF {
		return future.Result(p.Value(), c.opError(op, err))
	}
	return p
}

// PollRead reads into p; see aio.AsyncReader.
func (c *conn) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	r := c.fd.PollRead(cx, p)
	if raceEnabled && r.IsReady() && r.Err() == nil {
		raceAfterRead()
	}
	return wrapConn(c, "read", r)
}

// PollReadReady answers ready when a read may make progress, without a
// system call; see aio.ReadinessReader.
func (c *conn) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	return wrapConn(c, "read", c.fd.PollReady(cx, netpoll.Read))
}

// PollWrite writes from p; see aio.AsyncWriter. A write to a connection
// the peer reset fails with EPIPE or ECONNRESET and never raises SIGPIPE.
func (c *conn) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	if len(p) == 0 {
		return future.Ok(0)
	}
	return wrapConn(c, "write", netpoll.PollIO(&c.fd, cx, netpoll.Write, "write", func(fd int) (int, error) {
		if raceEnabled {
			raceBeforeWrite()
		}
		n, err := send(fd, p)
		if raceEnabled && n > 0 {
			raceWrote(p[:n])
		}
		return n, err
	}))
}

// PollFlush is ready at once: the socket buffers nothing in user space.
func (c *conn) PollFlush(*future.Context) future.Poll[struct{}] {
	if c.fd.Closed() {
		return future.Fail[struct{}](c.opError("flush", net.ErrClosed))
	}
	return future.Ok(struct{}{})
}

// PollShutdown shuts down the write side: the peer reads EOF once it has
// read everything written before; reading from the socket goes on.
func (c *conn) PollShutdown(*future.Context) future.Poll[struct{}] {
	return future.Fail[struct{}](c.Shutdown(ShutdownWrite))
}

// Shutdown shuts down the read side, the write side or both (see
// [ShutdownHow]). It does not close the socket.
func (c *conn) Shutdown(how ShutdownHow) error {
	if err := c.fd.Incref(); err != nil {
		return c.opError("shutdown", err)
	}
	defer c.fd.Decref()
	if err := shutdown(c.fd.Sysfd(), sysHow(how)); err != nil {
		return c.opError("shutdown", os.NewSyscallError("shutdown", err))
	}
	return nil
}

// CloseRead shuts down the read side (Shutdown(ShutdownRead)).
func (c *conn) CloseRead() error { return c.Shutdown(ShutdownRead) }

// CloseWrite shuts down the write side (Shutdown(ShutdownWrite)).
func (c *conn) CloseWrite() error { return c.Shutdown(ShutdownWrite) }

// Split returns a read half and a write half of the stream that can be
// used by different tasks of its loop, as [aio.Split] does, but allocates
// nothing: the halves are views of the stream itself. Closing the stream
// ends both.
func (c *conn) Split() (*ReadHalf, *WriteHalf) { return (*ReadHalf)(c), (*WriteHalf)(c) }

// ReadHalf is the read side of a split [TCPStream] or [UnixStream]: only
// reads. It is a view of the stream (Split allocates nothing), so it lives
// as long as the stream and ends when the stream is closed. It implements
// aio.AsyncReader and aio.ReadinessReader.
type ReadHalf conn

// PollRead reads into p; see [TCPStream.PollRead].
func (h *ReadHalf) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	return (*conn)(h).PollRead(cx, p)
}

// PollReadReady answers ready when a read may make progress; see
// [TCPStream.PollReadReady].
func (h *ReadHalf) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	return (*conn)(h).PollReadReady(cx)
}

// WriteHalf is the write side of a split [TCPStream] or [UnixStream]: only
// writes, flushes and shuts down the write side. It is a view of the stream
// (Split allocates nothing), so it lives as long as the stream and ends
// when the stream is closed. It implements aio.AsyncWriter.
type WriteHalf conn

// The halves are the stream's reader and writer.
var (
	_ aio.ReadinessReader = (*ReadHalf)(nil)
	_ aio.AsyncWriter     = (*WriteHalf)(nil)
)

// PollWrite writes from p; see [TCPStream.PollWrite].
func (h *WriteHalf) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	return (*conn)(h).PollWrite(cx, p)
}

// PollFlush is ready at once; see [TCPStream.PollFlush].
func (h *WriteHalf) PollFlush(cx *future.Context) future.Poll[struct{}] {
	return (*conn)(h).PollFlush(cx)
}

// PollShutdown shuts down the stream's write side; see
// [TCPStream.PollShutdown].
func (h *WriteHalf) PollShutdown(cx *future.Context) future.Poll[struct{}] {
	return (*conn)(h).PollShutdown(cx)
}

// Close deregisters the socket from its loop, wakes every task parked on it
// (they see net.ErrClosed), and closes the descriptor. A second Close
// answers an error that wraps net.ErrClosed.
func (c *conn) Close() error {
	if err := c.fd.Close(); err != nil {
		return c.opError("close", err)
	}
	return nil
}

// setsockoptInt and getsockoptInt run an option call while holding a
// reference on the fd, so it cannot be closed under them.
func setsockoptInt(fd *netpoll.FD, level, name, v int) error {
	if err := fd.Incref(); err != nil {
		return err
	}
	defer fd.Decref()
	return os.NewSyscallError("setsockopt", unix.SetsockoptInt(fd.Sysfd(), level, name, v))
}

func getsockoptInt(fd *netpoll.FD, level, name int) (int, error) {
	if err := fd.Incref(); err != nil {
		return 0, err
	}
	defer fd.Decref()
	v, err := unix.GetsockoptInt(fd.Sysfd(), level, name)
	return v, os.NewSyscallError("getsockopt", err)
}

// setsockopt sets an integer option, with errors shaped as *net.OpError.
func (c *conn) setsockopt(level, name, v int) error {
	if err := setsockoptInt(&c.fd, level, name, v); err != nil {
		return c.opError("set", err)
	}
	return nil
}

// getsockopt reads an integer option, with errors shaped as *net.OpError.
func (c *conn) getsockopt(level, name int) (int, error) {
	v, err := getsockoptInt(&c.fd, level, name)
	if err != nil {
		return 0, c.opError("get", err)
	}
	return v, nil
}
