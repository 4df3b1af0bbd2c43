package netconn

import (
	"net"
	"sync/atomic"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/socket"
)

// Stream is what a [Conn] is made of: an eddy stream socket,
// *socket.TCPStream or *socket.UnixStream.
type Stream interface {
	aio.AsyncReader
	aio.AsyncWriter
	CloseRead() error
	CloseWrite() error
	Close() error
	LocalAddr() net.Addr
	RemoteAddr() net.Addr
}

// Conn is an eddy stream socket seen as a net.Conn: its Read and Write
// block the calling goroutine until the socket, registered with an eddy
// loop, is ready. It is safe for concurrent use by multiple goroutines, as
// a net.Conn must be: a Read and a Write may run at the same time, and
// concurrent Reads (or Writes) take turns, each Write writing all of its
// bytes before the next starts.
//
// The Conn owns the socket: Close closes it, and nothing else may read it,
// write it or poll it while the Conn is in use.
type Conn struct {
	s            Stream
	netw         string
	laddr, raddr net.Addr
	closed       atomic.Bool
	rd, wr       waiter
}

// FromTCP returns a net.Conn view of s whose calls wait on loop's reactor.
// s is registered with loop by the first Read or Write unless it already
// is: a socket that a task connected or polled belongs to that task's loop
// ([driver.LoopOf] in the task), and must be given that loop. loop must be
// running for the calls to return (see the package doc).
func FromTCP(s *socket.TCPStream, loop *driver.Loop) *Conn {
	return newConn(s, "tcp", loop)
}

// FromUnix returns a net.Conn view of s whose calls wait on loop's
// reactor, as [FromTCP] does.
func FromUnix(s *socket.UnixStream, loop *driver.Loop) *Conn {
	return newConn(s, "unix", loop)
}

func newConn(s Stream, netw string, loop *driver.Loop) *Conn {
	c := &Conn{s: s, netw: netw, laddr: s.LocalAddr(), raddr: s.RemoteAddr()}
	c.rd.init(loop)
	c.wr.init(loop)
	return c
}

// opError shapes err as package net does.
func (c *Conn) opError(op string, err error) error {
	return &net.OpError{Op: op, Net: c.netw, Source: c.laddr, Addr: c.raddr, Err: err}
}

// check answers the error a call must fail with before it touches the
// socket: closed, or past its deadline.
func (c *Conn) check(w *waiter, op string) error {
	if c.closed.Load() {
		return c.opError(op, net.ErrClosed)
	}
	if err := w.expired(); err != nil {
		return c.opError(op, err)
	}
	return nil
}

// Read reads up to len(p) bytes into p, blocking until some are there, the
// end of input (io.EOF), the read deadline, Close or an error.
func (c *Conn) Read(p []byte) (int, error) {
	w := &c.rd
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if err := c.check(w, "read"); err != nil {
			return 0, err
		}
		if r := c.s.PollRead(w.cx, p); r.IsReady() {
			return r.Value(), r.Err()
		}
		w.wait()
	}
}

// Write writes all of p, blocking while the socket's send buffer is full,
// unless the write deadline, Close or an error comes first; it returns the
// number of bytes written.
func (c *Conn) Write(p []byte) (int, error) {
	w := &c.wr
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(p) == 0 {
		return 0, c.check(w, "write")
	}
	n := 0
	for n < len(p) {
		if err := c.check(w, "write"); err != nil {
			return n, err
		}
		r := c.s.PollWrite(w.cx, p[n:])
		if r.IsPending() {
			w.wait()
			continue
		}
		n += r.Value()
		if err := r.Err(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// Close closes the socket. Calls blocked in Read or Write return an error
// that matches net.ErrClosed; so do later calls, and a second Close.
func (c *Conn) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return c.opError("close", net.ErrClosed)
	}
	c.rd.stop()
	c.wr.stop()
	err := c.s.Close()
	c.rd.k.Wake()
	c.wr.k.Wake()
	return err
}

// CloseRead shuts down the reading side: a Read blocked or to come returns
// io.EOF. It does not close the socket.
func (c *Conn) CloseRead() error { return c.s.CloseRead() }

// CloseWrite shuts down the writing side: the peer reads the end of input
// once it has read what was written. It does not close the socket.
func (c *Conn) CloseWrite() error { return c.s.CloseWrite() }

// LocalAddr returns the local address.
func (c *Conn) LocalAddr() net.Addr { return c.laddr }

// RemoteAddr returns the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.raddr }

// SetDeadline sets the read and write deadlines, as SetReadDeadline and
// SetWriteDeadline do.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets the time after which Read fails with an error that
// matches os.ErrDeadlineExceeded; a zero t means none. A Read blocked when
// it is set obeys it at once. It fails only after Close.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.setDeadline(&c.rd, t) }

// SetWriteDeadline sets the time after which Write fails with an error that
// matches os.ErrDeadlineExceeded (having written part of its bytes,
// perhaps); a zero t means none. A Write blocked when it is set obeys it at
// once. It fails only after Close.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.setDeadline(&c.wr, t) }

func (c *Conn) setDeadline(w *waiter, t time.Time) error {
	if c.closed.Load() {
		return c.opError("set", net.ErrClosed)
	}
	w.setDeadline(t)
	return nil
}

// Stream returns the eddy socket the Conn wraps, for its options (a
// *socket.TCPStream's SetNoDelay, say). Reading or writing it directly
// while the Conn is in use is not allowed.
func (c *Conn) Stream() Stream { return c.s }
