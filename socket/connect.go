package socket

import (
	"fmt"
	"net"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/sockaddr"
)

// connect is the state of a ConnectTCP future.
type connect struct {
	addr   string
	raddr  *net.TCPAddr
	stream *TCPStream
	done   bool
}

// ConnectTCP returns a future that connects to addr, a "host:port" with a
// literal IPv4 or IPv6 address (as net.Dial("tcp", addr) accepts), and is
// ready with the connected stream. Nothing happens until it is polled: the
// socket is opened and the connection started on the first poll, and the
// stream is registered with the polling task's loop.
func ConnectTCP(addr string) future.Future[*TCPStream] { return &connect{addr: addr} }

// ConnectTCPAddr is ConnectTCP with a resolved address.
func ConnectTCPAddr(addr *net.TCPAddr) future.Future[*TCPStream] {
	return &connect{raddr: addr}
}

func (c *connect) fail(err error) future.Poll[*TCPStream] {
	c.done = true
	var ra net.Addr
	if c.raddr != nil {
		ra = c.raddr
	}
	if c.stream != nil {
		c.stream.Close()
		c.stream = nil
	}
	return future.Fail[*TCPStream](&net.OpError{Op: "dial", Net: "tcp", Addr: ra, Err: err})
}

func (c *connect) Poll(cx *future.Context) future.Poll[*TCPStream] {
	if c.done {
		return future.Fail[*TCPStream](future.ErrPolledAfterCompletion)
	}
	if c.stream == nil {
		if err := c.start(); err != nil {
			return c.fail(err)
		}
	}
	// The connection completes when the socket turns writable; SO_ERROR
	// then says whether it succeeded (see golang.org/issue/7474).
	p := c.stream.fd.PollReady(cx, netpoll.Write)
	if p.IsPending() {
		return future.Pending[*TCPStream]()
	}
	if err := p.Err(); err != nil {
		return c.fail(err)
	}
	errno, err := unix.GetsockoptInt(c.stream.fd.Sysfd(), unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return c.fail(os.NewSyscallError("getsockopt", err))
	}
	switch e := unix.Errno(errno); e {
	case 0, unix.EISCONN:
	case unix.EINPROGRESS, unix.EALREADY, unix.EINTR:
		// Spurious readiness: wait for the next edge.
		return c.waitAgain(cx)
	default:
		return c.fail(os.NewSyscallError("connect", e))
	}
	if _, err := unix.Getpeername(c.stream.fd.Sysfd()); err != nil {
		return c.fail(os.NewSyscallError("getpeername", err))
	}
	s := c.stream
	c.stream, c.done = nil, true
	return future.Ok(s)
}

func (c *connect) waitAgain(cx *future.Context) future.Poll[*TCPStream] {
	c.stream.fd.ClearReady(cx, netpoll.Write)
	return future.Pending[*TCPStream]()
}

// start resolves the address, opens the socket and begins connecting.
func (c *connect) start() error {
	if c.raddr == nil {
		a, err := resolveTCP(c.addr)
		if err != nil {
			return err
		}
		c.raddr = a
	}
	sa, family := sockaddr.FromTCP(c.raddr)
	fd, err := sockaddr.Socket(family, unix.SOCK_STREAM, unix.IPPROTO_TCP)
	if err != nil {
		return err
	}
	c.stream = newTCPStream(fd)
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

// resolveTCP parses a "host:port" whose host is a literal IP address (or
// empty, meaning the local system). Name resolution may block, so it is not
// done here.
func resolveTCP(addr string) (*net.TCPAddr, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	pn, err := net.LookupPort("tcp", port)
	if err != nil {
		return nil, err
	}
	if host == "" {
		return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: pn}, nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return nil, fmt.Errorf("socket: %q is not a literal IP address (host names are not resolved here)", host)
	}
	return &net.TCPAddr{IP: ip.AsSlice(), Port: pn, Zone: ip.Zone()}, nil
}
