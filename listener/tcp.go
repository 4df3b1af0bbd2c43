// Package listener provides listening sockets driven by eddy's reactor: a
// [TCPListener] bound with [BindTCP] (or a [TCPConfig]), its Accept future,
// and Incoming, the lazy stream of accepted connections; and a
// [UnixListener] bound with [BindUnix], which removes the socket file it
// created when it is closed.
//
// A failed accept (EMFILE when the process is out of descriptors,
// ECONNABORTED when a client gave up in the backlog) is an item error of the
// Incoming stream, not its end: a server that logs or maps such errors away
// keeps serving. [KeepAccepting] is the resilient form that does so, backing
// off while descriptors are exhausted.
package listener

import (
	"errors"
	"io"
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockadopt"
	"github.com/eddyio/eddy/internal/sockopen"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/stream"
)

// Backlog is the length of the queue of connections the kernel completes
// before they are accepted (it is capped by net.core.somaxconn on Linux).
const Backlog = 4096

// TCPListener is a listening TCP socket. Accepting happens in the tasks of
// one loop, the first to poll it; Close and Addr are safe from any goroutine.
type TCPListener struct {
	fd    *netpoll.FD
	addr  *net.TCPAddr
	local any // the local address every accepted stream points to (sockadopt.SharedLocal)
}

// newTCPListener makes the listener of fd, a listening socket bound to a.
func newTCPListener(fd int, a *net.TCPAddr) *TCPListener {
	l := &TCPListener{addr: a}
	if a != nil && a.IP != nil && !a.IP.IsUnspecified() {
		l.local = sockadopt.SharedLocal(a) // bound to one address: every connection's local end
	}
	l.fd = listenFD(fd, l)
	return l
}

// TCPConfig configures a TCP listener; the zero TCPConfig is what BindTCP
// uses.
type TCPConfig struct {
	// Network is "tcp" (the default), "tcp4" or "tcp6". With "tcp", a
	// wildcard or empty host listens on IPv4 and IPv6 both (dual stack);
	// with "tcp6" it listens on IPv6 only.
	Network string

	// Backlog is the length of the kernel's queue of completed
	// connections; zero means [Backlog].
	Backlog int

	// ReusePort sets SO_REUSEPORT, so that several listeners (in this
	// process or others) bind the same address and the kernel spreads
	// the connections among them.
	ReusePort bool
}

// BindTCP opens a TCP socket listening on addr, a "host:port" as net.Listen
// accepts it (an empty host listens on every interface, IPv4 and IPv6);
// port 0 picks a free port, which Addr reports. The socket has
// SO_REUSEADDR, so a restarted server can bind while old connections linger
// in TIME_WAIT. A host name is resolved now, as net.Listen does.
//
// Binding happens now, but nothing is registered with any loop and nothing
// is accepted until the listener is polled.
func BindTCP(addr string) (*TCPListener, error) { return TCPConfig{}.Bind(addr) }

// BindTCPAddr is BindTCP with a resolved address.
func BindTCPAddr(a *net.TCPAddr) (*TCPListener, error) { return TCPConfig{}.BindAddr(a) }

// Bind is BindTCP with the configuration c.
func (c TCPConfig) Bind(addr string) (*TCPListener, error) {
	a, err := c.resolve(addr)
	if err != nil {
		return nil, &net.OpError{Op: "listen", Net: c.network(), Err: err}
	}
	return c.BindAddr(a)
}

func (c TCPConfig) network() string {
	if c.Network == "" {
		return "tcp"
	}
	return c.Network
}

// BindAddr is Bind with a resolved address.
func (c TCPConfig) BindAddr(a *net.TCPAddr) (*TCPListener, error) {
	network := c.network()
	opErr := func(err error) error { return &net.OpError{Op: "listen", Net: network, Addr: a, Err: err} }
	if a == nil {
		a = &net.TCPAddr{}
	}
	if network == "tcp4" && a.IP == nil {
		a = &net.TCPAddr{IP: net.IPv4zero, Port: a.Port}
	}
	switch {
	case network != "tcp" && network != "tcp4" && network != "tcp6":
		return nil, opErr(net.UnknownNetworkError(network))
	case a.Port < 0 || a.Port > 65535:
		return nil, opErr(&net.AddrError{Err: "port out of range", Addr: a.String()})
	case network == "tcp4" && a.IP.To4() == nil, network == "tcp6" && a.IP != nil && a.IP.To4() != nil:
		return nil, opErr(&net.AddrError{Err: "address family does not match network " + network, Addr: a.String()})
	}
	sa, family, err := sockaddr.FromTCP(a)
	if err != nil {
		return nil, opErr(err)
	}
	fd, err := sockopen.Socket(family, unix.SOCK_STREAM, unix.IPPROTO_TCP)
	if err != nil {
		return nil, opErr(err)
	}
	if err := c.setup(fd, family, network, a); err != nil {
		unix.Close(fd)
		return nil, opErr(err)
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return nil, opErr(os.NewSyscallError("bind", err))
	}
	backlog := c.Backlog
	if backlog <= 0 {
		backlog = Backlog
	}
	if err := unix.Listen(fd, backlog); err != nil {
		unix.Close(fd)
		return nil, opErr(os.NewSyscallError("listen", err))
	}
	if bound := sockaddr.ToTCP(sockaddr.LocalAddr(fd)); bound != nil {
		a = bound
	}
	return newTCPListener(fd, a), nil
}

// setup sets the socket options before bind.
func (c TCPConfig) setup(fd, family int, network string, a *net.TCPAddr) error {
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return os.NewSyscallError("setsockopt", err)
	}
	if c.ReusePort {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return os.NewSyscallError("setsockopt", err)
		}
	}
	if family == unix.AF_INET6 {
		v6only := 0
		if network == "tcp6" {
			v6only = 1
		}
		if err := unix.SetsockoptInt(fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY, v6only); err != nil {
			return os.NewSyscallError("setsockopt", err)
		}
	}
	return nil
}

func (c TCPConfig) resolve(addr string) (*net.TCPAddr, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	pn, err := net.LookupPort(c.network(), port)
	if err != nil {
		return nil, err
	}
	if host == "" {
		return &net.TCPAddr{Port: pn}, nil
	}
	ip := net.ParseIP(host)
	if ip == nil {
		ips, err := net.LookupIP(host) // binding is synchronous, as with net.Listen
		if err != nil {
			return nil, err
		}
		ip = ips[0]
	}
	return &net.TCPAddr{IP: ip, Port: pn}, nil
}

// Addr returns the address the listener is bound to, with the port the
// kernel chose if the address asked for port 0.
func (l *TCPListener) Addr() *net.TCPAddr { return l.addr }

// Close stops listening: it deregisters the socket, wakes a task parked in
// Accept (it sees net.ErrClosed), and closes the descriptor.
func (l *TCPListener) Close() error {
	if err := l.fd.Close(); err != nil {
		return &net.OpError{Op: "close", Net: "tcp", Addr: l.addr, Err: err}
	}
	return nil
}

// PollAccept accepts one connection: ready with the new stream, ready with
// an error if the accept failed, pending (waker parked) when no connection
// is waiting.
func (l *TCPListener) PollAccept(cx *future.Context) future.Poll[*socket.TCPStream] {
	p := netpoll.PollIO(l.fd, cx, netpoll.Read, "accept", func(fd int) (accepted, error) {
		nfd, sa, err := sockopen.Accept(fd)
		return accepted{nfd, sa}, err
	})
	if p.IsPending() {
		return future.Pending[*socket.TCPStream]()
	}
	if err := p.Err(); err != nil {
		return future.Fail[*socket.TCPStream](&net.OpError{Op: "accept", Net: "tcp", Addr: l.addr, Err: err})
	}
	a := p.Value()
	return future.Ok(adoptTCP(cx, a.fd, l.local, a.sa))
}

// adoptTCP builds the stream of an accepted TCP socket from the addresses
// accept and the listener know, with no system call: socket's constructor,
// reached through internal/sockadopt.
var adoptTCP = sockadopt.Lookup[*socket.TCPStream]()

// accepted is what one accept system call returns.
type accepted struct {
	fd int
	sa sockaddr.Inet
}

// Accept returns a future of the next accepted connection.
func (l *TCPListener) Accept() future.Future[*socket.TCPStream] {
	return &accept[*socket.TCPStream]{l: l}
}

// Incoming returns the lazy stream of accepted connections: it accepts
// nothing until polled. A failed accept is an item error and the stream
// goes on; the stream ends when the listener is closed.
func (l *TCPListener) Incoming() stream.Stream[*socket.TCPStream] {
	return incoming[*socket.TCPStream]{l}
}

func isClosed(err error) bool {
	return err != nil && (errors.Is(err, net.ErrClosed) || err == io.EOF)
}
