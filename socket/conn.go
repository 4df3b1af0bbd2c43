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
// An idle accepted connection holds no address allocation of its own, in
// 48 bytes: the peer's address from accept is kept inline (its 16 bytes
// here, its port and family in the FD's spare bytes), the local one is the
// listener's, and the net.Addr values are built on first use (RemoteAddr,
// an error) and cached.
type conn struct {
	// fd is the descriptor, by value: one allocation per stream. Its Aux
	// bytes hold the peer's port (0 and 1) and, in byte 2, the peer's
	// family (sockaddr.FamilyNone, FamilyInet4 or FamilyInet6) and the
	// stream's kind (the top bit).
	fd netpoll.FD

	// named holds the addresses: nil, or the listener's local address
	// shared by the streams it accepted (a connAddrs marked shared), until
	// both are built or looked up; then this stream's own pair, for good.
	// It changes by compare-and-swap only, so concurrent first askers
	// agree, and never after the pair is this stream's own: whichever
	// goroutines ask and close, no data race.
	named atomic.Pointer[connAddrs]

	// peerIP is the peer's internet address from accept, with no pointer
	// until the pair is built.
	peerIP [16]byte
}

// connAddrs is a stream's pair of addresses; nil where unknown.
type connAddrs struct {
	laddr, raddr net.Addr
	shared       bool // a listener's local address alone, for every stream it accepts
}

// sharedLocal is what a listener bound to laddr hands each stream it
// accepts as its local address (internal/sockadopt's SharedLocal), one
// value for all of them, so that a stream holds a pointer and no address
// of its own until its addresses are asked. A nil laddr gives nil: the
// streams look theirs up.
func sharedLocal(laddr net.Addr) *connAddrs {
	if laddr == nil {
		return nil
	}
	return &connAddrs{laddr: laddr, shared: true}
}

// The bits of the third Aux byte of a stream's FD.
const (
	auxFamily = 0x7f // the peer's family kept inline
	auxUnix   = 0x80 // a Unix stream (kindUnix)
)

// kind is what kind of stream c is.
func (c *conn) kind() connKind {
	if c.fd.Aux[2]&auxUnix != 0 {
		return kindUnix
	}
	return kindTCP
}

// peerFamily is the family of the peer's address kept inline, or
// sockaddr.FamilyNone.
func (c *conn) peerFamily() uint8 { return c.fd.Aux[2] & auxFamily }

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
// inline, and local, the local address a listener shares among its streams
// (a sharedLocal value, or nil). A Unix address is not kept: a Unix stream
// looks it up. An IPv6 address with a scope (link-local) has no room
// inline: its pair is built at once.
func (c *conn) setPeer(local *connAddrs, a sockaddr.Inet) {
	switch {
	case a.Family == sockaddr.FamilyInet6 && a.Zone != 0:
		b := &connAddrs{raddr: c.kind().toAddr(a.Sockaddr())}
		if local != nil {
			b.laddr = local.laddr
		}
		c.named.Store(b)
		return
	case a.Family == sockaddr.FamilyInet4 || a.Family == sockaddr.FamilyInet6:
		c.peerIP = a.IP
		c.fd.Aux[0], c.fd.Aux[1] = byte(a.Port), byte(a.Port>>8)
		c.fd.Aux[2] = c.fd.Aux[2]&^auxFamily | a.Family
	}
	if local != nil {
		c.named.Store(local)
	}
}

// peer returns the address setPeer kept inline, or nil.
func (c *conn) peer() unix.Sockaddr {
	port := uint16(c.fd.Aux[0]) | uint16(c.fd.Aux[1])<<8
	return sockaddr.Inet{IP: c.peerIP, Port: port, Family: c.peerFamily()}.Sockaddr()
}

// init wraps sysfd. A stream's Close is its FD's, so the FD needs no owner:
// a loop that shuts down with the stream open closes the FD.
func (c *conn) init(sysfd int, kind connKind) {
	c.fd.Init(sysfd)
	if kind == kindUnix {
		c.fd.Aux[2] |= auxUnix
	}
	if kind == kindTCP {
		c.fd.SetTCP()
	}
}

// setAddrs records addresses already known (from accept or package net),
// so that none is asked of the kernel; a nil laddr is still looked up, on
// first use. It is called before the socket is handed to anyone.
func (c *conn) setAddrs(laddr, raddr net.Addr) {
	if laddr != nil && raddr != nil {
		c.named.Store(&connAddrs{laddr: laddr, raddr: raddr})
		return
	}
	local := sharedLocal(laddr)
	var peer sockaddr.Inet
	if ta, ok := raddr.(*net.TCPAddr); ok && ta != nil {
		if sa, _, err := sockaddr.FromTCP(ta); err == nil {
			peer = sockaddr.InetFromSockaddr(sa)
		}
	}
	c.setPeer(local, peer)
}

// addrs returns the addresses, built or looked up once. A connected socket
// calls it as soon as it is connected, while the peer is there to name, so
// that errors after the peer is gone still say who it was. The lookup holds
// a reference on the descriptor: once the socket is closed its number may
// belong to another socket, so an address not yet known stays nil.
func (c *conn) addrs() (laddr, raddr net.Addr) {
	a := c.named.Load()
	if a == nil || a.shared {
		b := c.lookupAddrs(a)
		if c.named.CompareAndSwap(a, b) {
			a = b
		} else {
			a = c.named.Load() // another goroutine was first: keep its answer
		}
	}
	return a.laddr, a.raddr
}

// lookupAddrs builds the stream's pair of addresses, starting from the
// shared local address it was given (nil if none).
func (c *conn) lookupAddrs(shared *connAddrs) *connAddrs {
	a := &connAddrs{}
	if shared != nil {
		a.laddr = shared.laddr
	}
	if c.peerFamily() != sockaddr.FamilyNone {
		a.raddr = c.kind().toAddr(c.peer()) // known from accept
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
			a.laddr = c.kind().toAddr(sa)
		}
	}
	if a.raddr == nil {
		if sa := sockaddr.PeerAddr(c.fd.Sysfd()); sa != nil {
			a.raddr = c.kind().toAddr(sa)
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
	return &net.OpError{Op: op, Net: c.kind().netw(), Source: laddr, Addr: raddr, Err: err}
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
