package netconn

import (
	"net"
	"sync/atomic"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
)

// Listener is an eddy listener seen as a net.Listener: Accept blocks the
// calling goroutine until a connection arrives, waiting on the readiness
// of an eddy loop, and returns it as a [*Conn] that waits on the same loop.
// It is safe for concurrent use; concurrent Accepts take turns.
//
// The Listener owns the eddy listener: Close closes it.
type Listener struct {
	ln     interface{ Close() error }
	accept func(cx *future.Context) future.Poll[*Conn]
	addr   net.Addr
	netw   string
	closed atomic.Bool
	w      waiter
}

// FromTCPListener returns a net.Listener view of l whose Accept waits on
// loop's reactor; the connections it accepts are [FromTCP] views on the
// same loop. loop must be running (see the package doc).
func FromTCPListener(l *listener.TCPListener, loop *driver.Loop) *Listener {
	return newListener(l, l.Addr(), "tcp", loop, func(cx *future.Context) future.Poll[*Conn] {
		return acceptConn(l.PollAccept(cx), "tcp", loop)
	})
}

// FromUnixListener returns a net.Listener view of l whose Accept waits on
// loop's reactor, as [FromTCPListener] does; the connections are [FromUnix]
// views.
func FromUnixListener(l *listener.UnixListener, loop *driver.Loop) *Listener {
	return newListener(l, l.Addr(), "unix", loop, func(cx *future.Context) future.Poll[*Conn] {
		return acceptConn(l.PollAccept(cx), "unix", loop)
	})
}

func newListener(ln interface{ Close() error }, addr net.Addr, netw string, loop *driver.Loop, accept func(*future.Context) future.Poll[*Conn]) *Listener {
	l := &Listener{ln: ln, accept: accept, addr: addr, netw: netw}
	l.w.init(loop)
	return l
}

// acceptConn turns an accepted stream into a Conn.
func acceptConn[S Stream](p future.Poll[S], netw string, loop *driver.Loop) future.Poll[*Conn] {
	switch {
	case p.IsPending():
		return future.Pending[*Conn]()
	case p.Err() != nil:
		return future.Fail[*Conn](p.Err())
	}
	return future.Ok(newConn(p.Value(), netw, loop))
}

// Accept waits for the next connection and returns it as a *Conn. After
// Close, it fails with an error that matches net.ErrClosed, and a blocked
// Accept is woken with it.
func (l *Listener) Accept() (net.Conn, error) {
	w := &l.w
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		if l.closed.Load() {
			return nil, &net.OpError{Op: "accept", Net: l.netw, Addr: l.addr, Err: net.ErrClosed}
		}
		if p := l.accept(w.cx); p.IsReady() {
			if err := p.Err(); err != nil {
				return nil, err
			}
			return p.Value(), nil
		}
		w.wait()
	}
}

// Close closes the listener and wakes a blocked Accept. The connections
// it accepted stay open: they are closed with their own Close. A second
// Close answers an error that matches net.ErrClosed.
func (l *Listener) Close() error {
	if !l.closed.CompareAndSwap(false, true) {
		return &net.OpError{Op: "close", Net: l.netw, Addr: l.addr, Err: net.ErrClosed}
	}
	err := l.ln.Close()
	l.w.stop()
	return err
}

// Addr returns the address the listener is bound to.
func (l *Listener) Addr() net.Addr { return l.addr }
