package listener

import (
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockadopt"
	"github.com/eddyio/eddy/internal/sockfile"
	"github.com/eddyio/eddy/internal/sockopen"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/stream"
)

// ErrNotOurFile is wrapped by the error of [UnixListener.Close] when the
// file at the listener's path is no longer the socket file it created (it
// was removed, or replaced by another process): the file is left alone. It
// is socket's ErrNotOurFile, which Unix datagram sockets answer.
var ErrNotOurFile = socket.ErrNotOurFile

// adoptUnix builds the stream of an accepted Unix socket, which looks its
// addresses up (see internal/sockadopt).
var adoptUnix = sockadopt.Lookup[*socket.UnixStream]()

// UnixListener is a listening Unix domain stream socket. Accepting happens
// in the tasks of one loop, the first to poll it; Close and Addr are safe
// from any goroutine.
//
// The listener owns the socket file it created: Close removes it, but only
// if the file at the path is still that one (same device and inode).
type UnixListener struct {
	fd   *netpoll.FD
	addr *net.UnixAddr
	file *sockfile.File // nil for an abstract name

}

// BindUnix opens a Unix stream socket listening at path: a file system
// path, which must not exist yet (a stale socket file of an earlier run is
// EADDRINUSE, as with net.Listen), or "@name" for a Linux abstract socket,
// which has no file.
//
// Binding happens now, but nothing is registered with any loop and nothing
// is accepted until the listener is polled.
func BindUnix(path string) (*UnixListener, error) {
	a := &net.UnixAddr{Name: path, Net: "unix"}
	opErr := func(err error) error { return &net.OpError{Op: "listen", Net: "unix", Addr: a, Err: err} }
	fd, file, err := sockopen.BindUnix(path, unix.SOCK_STREAM)
	if err != nil {
		return nil, opErr(err)
	}
	if err := unix.Listen(fd, Backlog); err != nil {
		unix.Close(fd)
		file.Remove()
		return nil, opErr(os.NewSyscallError("listen", err))
	}
	l := &UnixListener{addr: a, file: file}
	l.fd = listenFD(fd, l)
	return l, nil
}

// Addr returns the address the listener is bound to.
func (l *UnixListener) Addr() *net.UnixAddr { return l.addr }

// Close stops listening: it deregisters the socket, wakes a task parked in
// Accept (it sees net.ErrClosed), closes the descriptor and removes the
// socket file the listener created. If the file at the path is no longer
// that file, Close leaves it in place and returns an error wrapping
// [ErrNotOurFile]. A second Close answers an error wrapping net.ErrClosed.
func (l *UnixListener) Close() error {
	if err := l.fd.Close(); err != nil {
		return &net.OpError{Op: "close", Net: "unix", Addr: l.addr, Err: err}
	}
	if err := l.file.Remove(); err != nil {
		return &net.OpError{Op: "close", Net: "unix", Addr: l.addr, Err: err}
	}
	return nil
}

// PollAccept accepts one connection: ready with the new stream, ready with
// an error if the accept failed, pending (waker parked) when no connection
// is waiting.
func (l *UnixListener) PollAccept(cx *future.Context) future.Poll[*socket.UnixStream] {
	p := netpoll.PollIO(l.fd, cx, netpoll.Read, "accept", func(fd int) (int, error) {
		nfd, _, err := sockopen.Accept(fd)
		return nfd, err
	})
	if p.IsPending() {
		return future.Pending[*socket.UnixStream]()
	}
	if err := p.Err(); err != nil {
		return future.Fail[*socket.UnixStream](&net.OpError{Op: "accept", Net: "unix", Addr: l.addr, Err: err})
	}
	return future.Ok(adoptUnix(cx, p.Value(), nil, sockaddr.Inet{}))
}

// Accept returns a future of the next accepted connection.
func (l *UnixListener) Accept() future.Future[*socket.UnixStream] {
	return &accept[*socket.UnixStream]{l: l}
}

// Incoming returns the lazy stream of accepted connections: it accepts
// nothing until polled. A failed accept is an item error and the stream
// goes on; the stream ends when the listener is closed.
func (l *UnixListener) Incoming() stream.Stream[*socket.UnixStream] {
	return incoming[*socket.UnixStream]{l}
}
