package socket

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockfile"
)

// dgram is the shared core of the datagram sockets (UDPSocket and
// UnixDatagram), as conn is of the stream sockets: the reactor fd, the
// network and local address named in errors, the socket file to remove,
// and the address given to Connect. Each socket type converts its own kind
// of address (a netip.AddrPort, a path) into a [dest] and hands it to the
// core. Its exported methods are promoted to the socket types that embed it.
type dgram struct {
	fd    *netpoll.FD
	netw  string         // "udp", "udp4", "udp6" or "unixgram": the Net of every *net.OpError
	laddr net.Addr       // the Source of every *net.OpError; nil for an unbound socket
	file  *sockfile.File // the socket file bind created, removed by Close; nil for none

	mu    sync.Mutex // guards raddr
	raddr net.Addr   // the address given to Connect; nil before
}

// init wraps sysfd; owner is what the loop closes at shutdown (the socket
// that embeds d). laddr must be an untyped nil for an unbound socket.
func (d *dgram) init(sysfd int, netw string, laddr net.Addr, file *sockfile.File, owner netpoll.Closer) {
	d.netw, d.laddr, d.file = netw, laddr, file
	d.fd = netpoll.NewFD(sysfd, owner)
}

// dest is a destination as a socket type checked it, kept by value so
// that a send turns it into the kernel's socket address on its own stack
// (sendmsg) and allocates nothing; err is why it cannot be used, which the
// operation using it reports. The zero dest is the connected peer.
type dest struct {
	family int            // AF_INET or AF_INET6 (ap) or AF_UNIX (path); 0 for the zero dest
	ap     netip.AddrPort // an IP destination as the caller gave it (an AF_INET one is IPv4 or IPv4-mapped)
	zone   uint32         // ap's IPv6 scope (an interface index), 0 for none
	path   string         // a Unix destination
	err    error
}

// netAddr is the address errors name (and RemoteAddr after Connect): nil
// for the zero dest.
func (to *dest) netAddr() net.Addr {
	switch {
	case to.family == unix.AF_UNIX:
		return &net.UnixAddr{Name: to.path, Net: "unixgram"}
	case to.family != 0:
		return net.UDPAddrFromAddrPort(to.ap)
	}
	return nil
}

// sockaddr is to as x/sys's socket address, for the calls that take one
// (bind, connect, and sends where system calls go through libc); nil for
// the zero dest.
func (to *dest) sockaddr() unix.Sockaddr {
	switch to.family {
	case unix.AF_INET:
		return &unix.SockaddrInet4{Port: int(to.ap.Port()), Addr: to.ap.Addr().Unmap().As4()}
	case unix.AF_INET6:
		return &unix.SockaddrInet6{Port: int(to.ap.Port()), ZoneId: to.zone, Addr: to.ap.Addr().As16()}
	case unix.AF_UNIX:
		return &unix.SockaddrUnix{Name: to.path}
	}
	return nil
}

// remote returns the address given to Connect, or nil.
func (d *dgram) remote() net.Addr {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.raddr
}

// opError wraps err with the operation and the socket's addresses; a nil
// addr stands for the connected address, if any.
func (d *dgram) opError(op string, addr net.Addr, err error) error {
	if addr == nil {
		addr = d.remote()
	}
	return &net.OpError{Op: op, Net: d.netw, Source: d.laddr, Addr: addr, Err: err}
}

// connect sets the default destination to, and remembers it for
// RemoteAddr.
func (d *dgram) connect(to dest) error {
	addr := to.netAddr()
	if to.err != nil {
		return d.opError("connect", addr, to.err)
	}
	if err := d.fd.Incref(); err != nil {
		return d.opError("connect", addr, err)
	}
	defer d.fd.Decref()
	if err := unix.Connect(d.fd.Sysfd(), to.sockaddr()); err != nil {
		return d.opError("connect", addr, os.NewSyscallError("connect", err))
	}
	d.mu.Lock()
	d.raddr = addr
	d.mu.Unlock()
	return nil
}

// pollSend sends p as one datagram to to (the zero dest: the connected
// peer).
func (d *dgram) pollSend(cx *future.Context, p []byte, to dest) future.Poll[int] {
	if to.err != nil {
		return future.Fail[int](d.opError("write", to.netAddr(), to.err))
	}
	r := netpoll.PollIO(d.fd, cx, netpoll.Write, "sendmsg", func(fd int) (int, error) {
		return sendmsg(fd, p, &to)
	})
	if err := r.Err(); err != nil {
		return future.Fail[int](d.opError("write", to.netAddr(), err))
	}
	return r
}

// pollRecv receives one datagram into p and makes the result of it with
// conv. The error of a truncated datagram names the sender.
func pollRecv[T any](d *dgram, cx *future.Context, p []byte, conv func(message) T) future.Poll[T] {
	r := netpoll.PollIO(d.fd, cx, netpoll.Read, "recvmsg", func(fd int) (message, error) {
		return recvmsg(fd, p)
	})
	if r.IsPending() {
		return future.Pending[T]()
	}
	if err := r.Err(); err != nil {
		return future.Fail[T](d.opError("read", nil, err))
	}
	m := r.Value()
	v := conv(m)
	if err := m.truncation(p); err != nil {
		return future.Result(v, d.opError("read", m.from.netAddr(), err))
	}
	return future.Ok(v)
}

// PollSend sends p as one datagram to the connected peer (the address
// given to Connect, or the other socket of a pair): ready with len(p),
// ready with an error, or pending (waker parked) while the send buffer is
// full.
func (d *dgram) PollSend(cx *future.Context, p []byte) future.Poll[int] {
	return d.pollSend(cx, p, dest{})
}

// Send returns a future that sends p as one datagram to the connected
// peer (see PollSend). Nothing is sent until it is polled; p must not be
// changed until it is ready.
func (d *dgram) Send(p []byte) future.Future[int] {
	return &oneShot[int]{poll: func(cx *future.Context) future.Poll[int] { return d.PollSend(cx, p) }}
}

// SetReadBuffer sets the size of the kernel's receive buffer (SO_RCVBUF),
// as net.UDPConn.SetReadBuffer does: datagrams that arrive while it is full
// are dropped, so a socket that receives bursts needs a larger one. Linux
// doubles the value for its own bookkeeping and caps it at the sysctl
// net.core.rmem_max; ReadBuffer reports what the kernel chose.
func (d *dgram) SetReadBuffer(bytes int) error {
	return d.setsockopt(unix.SO_RCVBUF, bytes)
}

// ReadBuffer returns the size of the kernel's receive buffer.
func (d *dgram) ReadBuffer() (int, error) { return d.getsockopt(unix.SO_RCVBUF) }

// SetWriteBuffer sets the size of the kernel's send buffer (SO_SNDBUF), as
// net.UDPConn.SetWriteBuffer does. Linux doubles the value and caps it at
// net.core.wmem_max; WriteBuffer reports what the kernel chose.
func (d *dgram) SetWriteBuffer(bytes int) error {
	return d.setsockopt(unix.SO_SNDBUF, bytes)
}

// WriteBuffer returns the size of the kernel's send buffer.
func (d *dgram) WriteBuffer() (int, error) { return d.getsockopt(unix.SO_SNDBUF) }

// setsockopt sets a SOL_SOCKET integer option, with errors shaped as
// *net.OpError.
func (d *dgram) setsockopt(name, v int) error {
	if err := setsockoptInt(d.fd, unix.SOL_SOCKET, name, v); err != nil {
		return d.opError("set", nil, err)
	}
	return nil
}

// getsockopt reads a SOL_SOCKET integer option, with errors shaped as
// *net.OpError.
func (d *dgram) getsockopt(name int) (int, error) {
	v, err := getsockoptInt(d.fd, unix.SOL_SOCKET, name)
	if err != nil {
		return 0, d.opError("get", nil, err)
	}
	return v, nil
}

// Close deregisters the socket from its loop, wakes every task parked on
// it (they see net.ErrClosed), and closes the descriptor. A second Close
// answers an error that wraps net.ErrClosed.
func (d *dgram) Close() error {
	if err := d.fd.Close(); err != nil {
		return d.opError("close", nil, err)
	}
	if err := d.file.Remove(); err != nil {
		return d.opError("close", nil, err)
	}
	return nil
}

// oneShot is a future made of one poll function, ready once.
type oneShot[T any] struct {
	poll func(cx *future.Context) future.Poll[T]
	done bool
}

func (f *oneShot[T]) Poll(cx *future.Context) future.Poll[T] {
	if f.done {
		return future.Fail[T](future.ErrPolledAfterCompletion)
	}
	p := f.poll(cx)
	f.done = p.IsReady()
	return p
}

// ErrTruncated is wrapped by the error of a receive whose datagram was
// larger than the buffer: the part that fit is in the buffer, the rest was
// discarded by the kernel. Test for it with errors.Is(err,
// socket.ErrTruncated); errors.As with a *[TruncatedError] gives the sizes.
var ErrTruncated = errors.New("socket: datagram truncated")

// TruncatedError reports a datagram larger than the receive buffer. It
// unwraps to [ErrTruncated].
type TruncatedError struct {
	// Len is the full length of the datagram, or 0 where the system does
	// not report it (the BSDs).
	Len int
	// Cap is the size of the buffer, which holds the first Cap bytes.
	Cap int
}

func (e *TruncatedError) Error() string {
	if e.Len > 0 {
		return fmt.Sprintf("socket: datagram truncated: %d bytes did not fit a %d-byte buffer", e.Len, e.Cap)
	}
	return fmt.Sprintf("socket: datagram truncated: larger than the %d-byte buffer", e.Cap)
}

// Unwrap returns ErrTruncated.
func (e *TruncatedError) Unwrap() error { return ErrTruncated }

// message is what one recvmsg(2) returned.
type message struct {
	n     int  // bytes stored in the buffer
	full  int  // the datagram's full length when truncated, 0 if unknown
	trunc bool // the datagram did not fit
	from  peer // the sender
}

// peer is the sender of a datagram, by value: an IP address and port, or
// the path of a Unix socket ("" for an unbound one).
type peer struct {
	inet sockaddr.Inet // Family FamilyNone when the sender is not an IP one
	path string
}

// netAddr is the sender as errors name it; nil for an unbound Unix sender.
func (f *peer) netAddr() net.Addr {
	switch {
	case f.inet.Family == sockaddr.FamilyInet4 || f.inet.Family == sockaddr.FamilyInet6:
		return net.UDPAddrFromAddrPort(f.inet.AddrPort())
	case f.path != "":
		return &net.UnixAddr{Name: f.path, Net: "unixgram"}
	}
	return nil
}

// received fills in m from what recvmsg returned: n, the result (the
// datagram's real length on Linux, where recvFlags asks for it), and the
// flags, whose MSG_TRUNC says the datagram did not fit p.
func (m *message) received(p []byte, n, flags int) {
	if flags&unix.MSG_TRUNC != 0 {
		m.trunc = true
		if n > len(p) {
			m.full = n
		}
	}
	m.n = min(n, len(p))
}

// truncation returns the *TruncatedError of m, or nil.
func (m message) truncation(p []byte) error {
	if !m.trunc {
		return nil
	}
	return &TruncatedError{Len: m.full, Cap: len(p)}
}
