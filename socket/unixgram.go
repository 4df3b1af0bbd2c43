package socket

import (
	"net"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockfile"
	"github.com/eddyio/eddy/internal/sockopen"
)

// UnixDatagram is a non-blocking Unix domain datagram socket
// (SOCK_DGRAM): bound to a path, unbound, or one of a connected pair.
// Datagrams are kept whole, as with [UDPSocket]: a receive whose datagram
// does not fit the buffer fails with an error wrapping [ErrTruncated].
//
// A bound UnixDatagram owns the socket file it created: Close removes it,
// but only if the file at the path is still that one.
//
// A UnixDatagram is used by the tasks of one loop: one task receiving and
// one task sending at a time. Close, Connect and the address methods are
// safe from any goroutine.
type UnixDatagram struct {
	dgram // its laddr (nil if unbound) and raddr are *net.UnixAddr
}

// UnixMessage is one datagram received by a [UnixDatagram].
type UnixMessage struct {
	// Data is the datagram: the front of the buffer it was received into.
	Data []byte
	// Addr is the path the sender is bound to, or "" if it is unbound
	// (and cannot be answered).
	Addr string
}

// newUnixDatagram wraps sysfd; laddr is an untyped nil for an unbound
// socket.
func newUnixDatagram(sysfd int, laddr net.Addr, file *sockfile.File) *UnixDatagram {
	u := &UnixDatagram{}
	u.init(sysfd, "unixgram", laddr, file, u)
	return u
}

// unixDest converts the path of a destination socket.
func unixDest(path string) dest {
	return dest{family: unix.AF_UNIX, path: path, err: sockaddr.CheckUnix(path)}
}

// BindUnixDatagram opens a Unix datagram socket bound to path: a file
// system path that must not exist yet, or "@name" for a Linux abstract
// socket. Nothing is registered with any loop until it is polled.
func BindUnixDatagram(path string) (*UnixDatagram, error) {
	a := &net.UnixAddr{Name: path, Net: "unixgram"}
	opErr := func(err error) error { return &net.OpError{Op: "listen", Net: "unixgram", Addr: a, Err: err} }
	fd, file, err := sockopen.BindUnix(path, unix.SOCK_DGRAM)
	if err != nil {
		return nil, opErr(err)
	}
	return newUnixDatagram(fd, a, file), nil
}

// UnboundUnixDatagram opens a Unix datagram socket bound to no path: it
// can send (with SendTo, or Send after Connect) but nobody can answer it.
func UnboundUnixDatagram() (*UnixDatagram, error) {
	fd, err := sockopen.Socket(unix.AF_UNIX, unix.SOCK_DGRAM, 0)
	if err != nil {
		return nil, &net.OpError{Op: "socket", Net: "unixgram", Err: err}
	}
	return newUnixDatagram(fd, nil, nil), nil
}

// UnixDatagramPair returns two connected, unnamed Unix datagram sockets
// (socketpair(2)): what one sends, the other receives.
func UnixDatagramPair() (*UnixDatagram, *UnixDatagram, error) {
	fds, err := sockopen.Socketpair(unix.SOCK_DGRAM)
	if err != nil {
		return nil, nil, &net.OpError{Op: "socketpair", Net: "unixgram", Err: err}
	}
	return newUnixDatagram(fds[0], nil, nil), newUnixDatagram(fds[1], nil, nil), nil
}

// LocalAddr returns the address the socket is bound to, or nil if it is
// unbound.
func (u *UnixDatagram) LocalAddr() *net.UnixAddr {
	a, _ := u.laddr.(*net.UnixAddr)
	return a
}

// RemoteAddr returns the address given to Connect, or nil.
func (u *UnixDatagram) RemoteAddr() *net.UnixAddr {
	a, _ := u.remote().(*net.UnixAddr)
	return a
}

// PollSendTo sends p as one datagram to the socket bound at path.
func (u *UnixDatagram) PollSendTo(cx *future.Context, p []byte, path string) future.Poll[int] {
	return u.pollSend(cx, p, unixDest(path))
}

// PollRecvFrom receives one datagram into p: ready with the datagram and
// its sender's path, ready with an error, or pending (waker parked). A
// datagram larger than p is ready with the part that fit and an error
// wrapping [ErrTruncated].
func (u *UnixDatagram) PollRecvFrom(cx *future.Context, p []byte) future.Poll[UnixMessage] {
	return pollRecv(&u.dgram, cx, p, func(m message) UnixMessage {
		return UnixMessage{Data: p[:m.n], Addr: m.from.path} // "" for an unbound sender
	})
}

// SendTo returns a future that sends p as one datagram to the socket bound
// at path. Nothing is sent until it is polled.
func (u *UnixDatagram) SendTo(p []byte, path string) future.Future[int] {
	return &oneShot[int]{poll: func(cx *future.Context) future.Poll[int] { return u.PollSendTo(cx, p, path) }}
}

// RecvFrom returns a future of the next datagram, received into p.
func (u *UnixDatagram) RecvFrom(p []byte) future.Future[UnixMessage] {
	return &oneShot[UnixMessage]{poll: func(cx *future.Context) future.Poll[UnixMessage] { return u.PollRecvFrom(cx, p) }}
}

// Connect sets the socket's default destination to the socket bound at
// path, and makes the kernel drop datagrams from any other sender.
func (u *UnixDatagram) Connect(path string) error { return u.connect(unixDest(path)) }

// PollRecv receives one datagram into p: ready with its length, or with
// the part that fit and an error wrapping [ErrTruncated].
func (u *UnixDatagram) PollRecv(cx *future.Context, p []byte) future.Poll[int] {
	r := u.PollRecvFrom(cx, p)
	if r.IsPending() {
		return future.Pending[int]()
	}
	return future.Result(len(r.Value().Data), r.Err())
}

// Recv returns a future of the next datagram, received into p.
func (u *UnixDatagram) Recv(p []byte) future.Future[int] {
	return &oneShot[int]{poll: func(cx *future.Context) future.Poll[int] { return u.PollRecv(cx, p) }}
}

// Close deregisters the socket, wakes every task parked on it (they see
// net.ErrClosed), closes the descriptor, and removes the socket file it
// created if the file at its path is still that one (otherwise the file is
// left and the error wraps ErrNotOurFile). A second Close answers an error
// wrapping net.ErrClosed.
func (u *UnixDatagram) Close() error { return u.dgram.Close() }

// ErrNotOurFile is wrapped by the error of [UnixDatagram.Close] when the
// file at the socket's path is no longer the socket file it created: the
// file is left alone. Package listener's ErrNotOurFile is the same error.
var ErrNotOurFile error = errNotOurFile

// errNotOurFile exists so that the documentation of ErrNotOurFile names no
// internal package (package net does the same for ErrClosed).
var errNotOurFile = sockfile.ErrNotOurFile
