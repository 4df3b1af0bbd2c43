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

// conn is the shared core of the connected stream sockets (TCPStream and
// UnixStream): the reactor fd, the network name used in
// errors, and the addresses, looked up once. Its exported methods are
// promoted to the socket types that embed it.
type conn struct {
	fd     netpoll.FD                   // embedded: one allocation per stream
	netw   string                       // "unix", "tcp", ...: the Net of every *net.OpError
	toAddr func(unix.Sockaddr) net.Addr // converts getsockname/getpeername results

	// The addresses are written only before the socket is shared
	// (setAddrs) or inside addrOnce, and read only through addrs, after
	// addrOnce: never a data race, whichever goroutines ask and close.
	addrOnce     sync.Once
	laddr, raddr net.Addr
}

// init wraps sysfd; owner is what the loop closes at shutdown (the socket
// that embeds c).
func (c *conn) init(sysfd int, netw string, toAddr func(unix.Sockaddr) net.Addr, owner netpoll.Closer) {
	c.netw, c.toAddr = netw, toAddr
	c.fd.Init(sysfd, owner)
}

// setAddrs records addresses already known (from accept or package net),
// so that none is asked of the kernel; a nil laddr is still looked up, on
// first use. It is called before the socket is handed to anyone.
func (c *conn) setAddrs(laddr, raddr net.Addr) {
	if laddr == nil {
		c.raddr = raddr
		return
	}
	c.addrOnce.Do(func() { c.laddr, c.raddr = laddr, raddr })
}

// addrs returns the addresses, looked up once. A connected socket calls it
// as soon as it is connected, while the peer is there to name, so that
// errors after the peer is gone still say who it was. The lookup holds a
// reference on the descriptor: once the socket is closed its number may
// belong to another socket, so an address not yet known stays nil.
func (c *conn) addrs() (laddr, raddr net.Addr) {
	c.addrOnce.Do(c.lookupAddrs)
	return c.laddr, c.raddr
}

func (c *conn) lookupAddrs() {
	if err := c.fd.Incref(); err != nil {
		return // closed: nothing is asked of a number that may be reused
	}
	defer c.fd.Decref()
	if sa := sockaddr.LocalAddr(c.fd.Sysfd()); sa != nil {
		c.laddr = c.toAddr(sa)
	}
	if c.raddr != nil {
		return // known from accept
	}
	if sa := sockaddr.PeerAddr(c.fd.Sysfd()); sa != nil {
		c.raddr = c.toAddr(sa)
	}
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
	return &net.OpError{Op: op, Net: c.netw, Source: laddr, Addr: raddr, Err: err}
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
	if err := unix.Shutdown(c.fd.Sysfd(), sysHow(how)); err != nil {
		return c.opError("shutdown", os.NewSyscallError("shutdown", err))
	}
	return nil
}

// CloseRead shuts down the read side (Shutdown(ShutdownRead)).
func (c *conn) CloseRead() error { return c.Shutdown(ShutdownRead) }

// CloseWrite shuts down the write side (Shutdown(ShutdownWrite)).
func (c *conn) CloseWrite() error { return c.Shutdown(ShutdownWrite) }

// Split returns a read half and a write half of the stream that can be
// used by different tasks of its loop (see aio.Split). Closing the stream
// ends both.
func (c *conn) Split() (*aio.ReadHalf, *aio.WriteHalf) { return aio.Split(c) }

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
