package listener

import (
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"strconv"
	"sync"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// Spread is how a [Server] spreads the connections it accepts over the
// loops of a runtime.
type Spread int

const (
	// ReusePort gives every loop a listener of its own, all bound to the
	// same address with SO_REUSEPORT; the kernel spreads the connections
	// among them by a hash of their addresses, and each loop accepts and
	// serves its own. It is the default: see docs/runtime.md for the
	// measurements behind the choice.
	ReusePort Spread = iota

	// Handoff accepts on one listener, on one loop, and starts each
	// connection's task on the least busy loop; the connection's socket
	// moves to that loop when the task first polls it.
	Handoff
)

// String names the spread as the constants do.
func (s Spread) String() string {
	switch s {
	case ReusePort:
		return "ReusePort"
	case Handoff:
		return "Handoff"
	}
	return "Spread(" + strconv.Itoa(int(s)) + ")"
}

// ServerConfig configures a [Server]; the zero ServerConfig is what
// [BindServer] uses.
type ServerConfig struct {
	// TCP binds the listeners (its ReusePort is set with the ReusePort
	// spread).
	TCP TCPConfig

	// Spread is how connections go to the loops; the zero value is
	// [ReusePort].
	Spread Spread
}

// Server is a TCP server on every loop of a [driver.Runtime]: its
// listeners, bound by [BindServer], and [Server.Serve], the future that
// accepts on them and starts a task per connection.
type Server struct {
	rt     *driver.Runtime
	spread Spread
	ls     []*TCPListener
}

// BindServer binds addr for a server on rt's loops with the default
// spread: one SO_REUSEPORT listener per loop. addr is as [BindTCP] takes
// it; with port 0 the first listener picks the port and the others bind
// the same.
func BindServer(rt *driver.Runtime, addr string) (*Server, error) {
	return ServerConfig{}.Bind(rt, addr)
}

// Bind is BindServer with the configuration c.
func (c ServerConfig) Bind(rt *driver.Runtime, addr string) (*Server, error) {
	s := &Server{rt: rt, spread: c.Spread}
	n := 1
	switch c.Spread {
	case ReusePort:
		n = len(rt.Loops())
		c.TCP.ReusePort = true
	case Handoff:
	default:
		return nil, &net.OpError{Op: "listen", Net: c.TCP.network(), Err: errors.New("listener: unknown spread " + c.Spread.String())}
	}
	for i := range n {
		l, err := c.TCP.Bind(addr)
		if err != nil {
			s.Close()
			return nil, err
		}
		if i == 0 { // the others bind the port the first one got
			addr = net.JoinHostPort(l.Addr().IP.String(), strconv.Itoa(l.Addr().Port))
		}
		s.ls = append(s.ls, l)
	}
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() *net.TCPAddr { return s.ls[0].Addr() }

// Close closes the server's listeners, which ends Serve; connections
// already accepted go on. It is safe from any goroutine.
func (s *Server) Close() error {
	var errs []error
	for _, l := range s.ls {
		if err := l.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Serve returns a lazy future that, when polled by a task of the
// server's runtime, accepts connections and starts handle(conn) as a task
// of its own for each, spread over the loops. Accept errors are dropped
// as [KeepAccepting] drops them, pausing while descriptors are exhausted.
// handle runs in the accept task; if it panics, the connection is closed
// and its task fails with a *[future.PanicError], which the driver
// reports, and accepting goes on.
// Serve ends, closing the listeners, when [Server.Close] is called or the
// runtime begins to shut down ([driver.Stopping]); connections still
// being served are then the runtime's to finish or cancel.
func (s *Server) Serve(handle func(*socket.TCPStream) future.Future[struct{}]) future.Future[struct{}] {
	return &serve{s: s, handle: handle}
}

type serve struct {
	s      *Server
	handle func(*socket.TCPStream) future.Future[struct{}]
	g      *acceptGroup
	own    *acceptLoop // the accept loop run by this future itself
	done   bool
}

func (f *serve) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.done {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	if f.g == nil {
		if _, err := driver.LoopOf(cx); err != nil {
			return future.Fail[struct{}](err)
		}
		f.g = &acceptGroup{left: len(f.s.ls)}
		switch f.s.spread {
		case Handoff:
			f.own = f.s.newAcceptLoop(f.s.ls[0], f.g, true, f.handle)
		default:
			for i, l := range f.s.rt.Loops() {
				l.Spawn(f.s.newAcceptLoop(f.s.ls[i], f.g, false, f.handle))
			}
		}
	}
	if f.own != nil {
		if p := f.own.Poll(cx); p.IsReady() {
			f.own = nil
		}
	}
	if !f.g.wait(cx.Waker()) {
		return future.Pending[struct{}]()
	}
	f.done = true
	f.s.Close()
	return future.Ok(struct{}{})
}

// acceptGroup counts the accept loops still running; the serve future
// waits for none to be left.
type acceptGroup struct {
	mu    sync.Mutex
	left  int
	waker future.Waker
}

// wait reports whether every accept loop has ended, parking w otherwise.
func (g *acceptGroup) wait(w future.Waker) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.left == 0 {
		return true
	}
	g.waker = w
	return false
}

func (g *acceptGroup) exit() {
	g.mu.Lock()
	g.left--
	w := g.waker
	if g.left > 0 {
		w = nil
	}
	g.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (s *Server) newAcceptLoop(l *TCPListener, g *acceptGroup, handoff bool, handle func(*socket.TCPStream) future.Future[struct{}]) *acceptLoop {
	spawn := driver.Spawn
	if handoff {
		spawn = driver.SpawnBalanced
	}
	// The seed's server, on one listener: each accepted connection is
	// served by a task of its own, until the runtime begins to stop.
	serve := combinators.ForEach(KeepAccepting(l.Incoming()), func(c *socket.TCPStream) future.Future[struct{}] {
		return spawn(build(handle, c))
	})
	return &acceptLoop{l: l, g: g, run: combinators.Select(driver.Stopping(), serve)}
}

// build calls handle(c). The handler is the user's code and runs in the
// accept task, so a panic in it would end the acceptor and leave its
// listener open with nobody accepting: instead c is closed, and the task
// spawned for c fails with the *future.PanicError, which the driver
// reports as it reports a panicking task; accepting goes on.
func build(handle func(*socket.TCPStream) future.Future[struct{}], c *socket.TCPStream) (f future.Future[struct{}]) {
	defer func() {
		if v := recover(); v != nil {
			c.Close()
			f = future.Failed[struct{}](&future.PanicError{Future: fmt.Sprintf("listener.Serve handler %T", handle), Value: v, Stack: debug.Stack()})
		}
	}()
	return handle(c)
}

// acceptLoop is one loop's accept task: the server's pipeline raced against
// the runtime's stop signal (Select abandons the accept stream when the
// signal wins), then the listener closed and the group told.
type acceptLoop struct {
	l    *TCPListener
	g    *acceptGroup
	run  future.Future[combinators.Selected[struct{}]]
	done bool
}

func (a *acceptLoop) Poll(cx *future.Context) future.Poll[struct{}] {
	if a.done {
		return future.Ok(struct{}{})
	}
	if a.run.Poll(cx).IsPending() {
		return future.Pending[struct{}]()
	}
	a.done = true
	a.l.Close()
	a.g.exit()
	return future.Ok(struct{}{})
}
