package servers

import (
	"context"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// Eddy starts eddy's echo server on a driver.Runtime of loops loops with
// listener's default spread: one SO_REUSEPORT listener per loop, so the
// kernel spreads the connections among them. Each connection is the echo
// example's pipeline (see eddyHandle).
func Eddy(addr string, loops int) (string, func(), error) {
	return eddyRuntime(addr, loops, listener.ReusePort)
}

// EddyHandoff is Eddy with the other spread: one listener, accepted on one
// loop, which hands each connection to the least busy loop.
func EddyHandoff(addr string, loops int) (string, func(), error) {
	return eddyRuntime(addr, loops, listener.Handoff)
}

func eddyRuntime(addr string, loops int, spread listener.Spread) (string, func(), error) {
	// Connections still open when the server stops are cancelled:
	// expected here, so the shutdown report is not logged.
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: max(loops, 1),
		Config: driver.Config{Logf: func(string, ...any) {}}})
	if err != nil {
		return "", nil, err
	}
	now, cancel := context.WithCancel(context.Background())
	cancel() // no grace: the load generator is gone when stop is called
	srv, err := listener.ServerConfig{Spread: spread}.Bind(rt, addr)
	if err != nil {
		rt.Shutdown(now)
		return "", nil, err
	}
	rt.Spawn(srv.Serve(eddyHandle))
	return started(srv.Addr().String(), func() { rt.Shutdown(now) })
}

// eddyHandle echoes one connection: examples/echo's pipeline as shipped
// (Split, Copy, on the client's EOF Shutdown of the write half, then
// Close), without its log lines.
func eddyHandle(conn *socket.TCPStream) future.Future[struct{}] {
	r, w := conn.Split()
	echo := combinators.AndThen(iocopy.Copy(r, w), func(n int64) future.Future[int64] {
		// The client half-closed: pass the EOF on.
		return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
	})
	return combinators.Then(echo, func(int64, error) { conn.Close() })
}
