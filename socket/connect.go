package socket

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockopen"
)

// connect is the state of a ConnectTCP future: resolve, then try each
// address in turn until one connects.
type connect struct {
	resolve future.Future[[]*net.TCPAddr]
	addrs   []*net.TCPAddr
	raddr   *net.TCPAddr
	stream  *TCPStream
	lastErr error
	done    bool
}

// ConnectTCP returns a future that connects to addr, a "host:port" as
// net.Dial("tcp", addr) accepts it, and is ready with the connected stream.
// Nothing happens until it is polled. A host name is resolved off the loop
// (see [ResolveTCP]); the addresses are tried in order until one connects,
// and the error of the last attempt is returned if none does. The stream is
// registered with the loop of the polling task.
func ConnectTCP(addr string) future.Future[*TCPStream] { return ConnectTCPNetwork("tcp", addr) }

// ConnectTCPNetwork is ConnectTCP for network "tcp", "tcp4" or "tcp6".
func ConnectTCPNetwork(network, addr string) future.Future[*TCPStream] {
	return &connect{resolve: ResolveTCP(network, addr)}
}

// ConnectTCPAddr is ConnectTCP with a resolved address.
func ConnectTCPAddr(addr *net.TCPAddr) future.Future[*TCPStream] {
	return &connect{addrs: []*net.TCPAddr{addr}}
}

func (c *connect) fail(err error) future.Poll[*TCPStream] {
	c.done = true
	var ra net.Addr
	if c.raddr != nil {
		ra = c.raddr
	}
	c.closeStream()
	return future.Fail[*TCPStream](&net.OpError{Op: "dial", Net: "tcp", Addr: ra, Err: err})
}

func (c *connect) closeStream() {
	if c.stream != nil {
		c.stream.Close()
		c.stream = nil
	}
}

func (c *connect) Poll(cx *future.Context) future.Poll[*TCPStream] {
	if c.done {
		return future.Fail[*TCPStream](future.ErrPolledAfterCompletion)
	}
	if c.resolve != nil {
		if _, err := netpoll.RegistryOf(cx); err != nil {
			return c.fail(err) // before any lookup or socket
		}
		p := c.resolve.Poll(cx)
		if p.IsPending() {
			return future.Pending[*TCPStream]()
		}
		c.resolve = nil
		if err := p.Err(); err != nil {
			return c.fail(err)
		}
		c.addrs = p.Value()
	}
	for {
		if c.stream == nil {
			if len(c.addrs) == 0 {
				if c.lastErr == nil {
					c.lastErr = errNoAddress
				}
				return c.fail(c.lastErr)
			}
			c.raddr, c.addrs = c.addrs[0], c.addrs[1:]
			if err := c.start(); err != nil {
				c.lastErr = err
				c.closeStream()
				continue
			}
		}
		p := c.pollConnected(cx)
		if p.IsPending() {
			return future.Pending[*TCPStream]()
		}
		if err := p.Err(); err != nil {
			c.lastErr = err
			c.closeStream()
			continue
		}
		s := c.stream
		s.addrs() // while the peer is there to be asked
		c.stream, c.done = nil, true
		return future.Ok(s)
	}
}

// pollConnected waits for the connection in flight to complete.
func (c *connect) pollConnected(cx *future.Context) future.Poll[struct{}] {
	return pollConnectDone(&c.stream.fd, cx)
}

// pollConnectDone waits for the non-blocking connect in flight on fd to
// complete, as package net does: the connection is done when the socket
// turns writable and SO_ERROR says how (see golang.org/issue/7474). A
// wake-up whose SO_ERROR is 0 while getpeername still answers ENOTCONN is
// spurious (a new registration starts write-ready, and a poller may wake
// early: golang.org/issue/14548, golang.org/issue/19289), so it waits for
// the next edge.
func pollConnectDone(fd *netpoll.FD, cx *future.Context) future.Poll[struct{}] {
	p := fd.PollReady(cx, netpoll.Write)
	if !p.IsReady() || p.Err() != nil {
		return p
	}
	connected, err := connectState(fd)
	if err != nil {
		return future.Fail[struct{}](err)
	}
	if !connected {
		fd.ClearReady(cx, netpoll.Write)
		return future.Pending[struct{}]()
	}
	return future.Ok(struct{}{})
}

// connectState asks the kernel, while holding a reference on fd, whether
// its connect is done: true when it is, false while it is still in flight,
// and the connect's error if it failed.
func connectState(fd *netpoll.FD) (bool, error) {
	if err := fd.Incref(); err != nil {
		return false, err
	}
	defer fd.Decref()
	errno, err := unix.GetsockoptInt(fd.Sysfd(), unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return false, os.NewSyscallError("getsockopt", err)
	}
	switch e := unix.Errno(errno); e {
	case 0, unix.EISCONN:
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		return false, nil
	default:
		return false, os.NewSyscallError("connect", e)
	}
	switch _, err := unix.Getpeername(fd.Sysfd()); err {
	case nil:
		return true, nil
	case unix.ENOTCONN:
		return false, nil // not connected yet, and no error: wait again
	default:
		return false, os.NewSyscallError("getpeername", err)
	}
}

// start opens a socket and begins connecting it to c.raddr.
func (c *connect) start() error {
	sa, family, err := sockaddr.FromTCP(c.raddr)
	if err != nil {
		return err
	}
	fd, err := sockopen.Socket(family, unix.SOCK_STREAM, unix.IPPROTO_TCP)
	if err != nil {
		return err
	}
	c.stream = newTCPStream(fd)
	c.stream.fd.SetSole() // made here; only IntoTCPConn shares it (SetShared)
	for {
		err = unix.Connect(fd, sa)
		if err != unix.EINTR {
			break
		}
	}
	switch err {
	case nil, unix.EINPROGRESS, unix.EALREADY, unix.EISCONN:
		return nil
	}
	return os.NewSyscallError("connect", err)
}
