// Package echokit is what the tests that count what a connection costs the
// server share: examples/echo's handler, and a client made of raw system
// calls, which allocates no Go heap, so that every allocation and every
// live byte counted is the server's. It is imported by tests only.
package echokit

import (
	"context"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// Handler returns examples/echo's per-connection pipeline without its
// logging (Split, Copy, Shutdown of the write half, then Close); done, if
// not nil, runs after the Close.
func Handler(done func()) func(*socket.TCPStream) future.Future[struct{}] {
	return func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		echo := combinators.AndThen(iocopy.Copy(r, w), func(n int64) future.Future[int64] {
			return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
		})
		if done == nil { // the example's closure, which holds conn alone
			return combinators.Then(echo, func(int64, error) { conn.Close() })
		}
		return combinators.Then(echo, func(int64, error) {
			conn.Close()
			done()
		})
	}
}

// Serve starts a runtime of one loop with cfg that serves Handler(done) on
// 127.0.0.1, and returns it and the server's address, for RawEcho. The
// caller shuts the runtime down.
func Serve(t testing.TB, cfg driver.Config, done func()) (*driver.Runtime, *unix.SockaddrInet4) {
	t.Helper()
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 1, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := listener.BindServer(rt, "127.0.0.1:0")
	if err != nil {
		rt.Shutdown(context.Background())
		t.Fatal(err)
	}
	rt.Spawn(srv.Serve(Handler(done)))
	return rt, &unix.SockaddrInet4{Port: srv.Addr().Port, Addr: [4]byte{127, 0, 0, 1}}
}

// RawEcho connects a blocking, close-on-exec socket to sa, writes msg and
// reads its echo into buf (as long as msg), and returns the open
// descriptor, which the caller closes. It fails t on any error or a short
// echo.
func RawEcho(t testing.TB, sa *unix.SockaddrInet4, msg, buf []byte) int {
	t.Helper()
	syscall.ForkLock.RLock() // as package net does: no child inherits it
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	fail := func(format string, args ...any) {
		unix.Close(fd)
		t.Fatalf(format, args...)
	}
	if err := unix.Connect(fd, sa); err != nil {
		fail("connect: %v", err)
	}
	if _, err := unix.Write(fd, msg); err != nil {
		fail("write: %v", err)
	}
	for got := 0; got < len(msg); {
		k, err := unix.Read(fd, buf[got:len(msg)])
		if err != nil || k == 0 {
			fail("read the echo: %d, %v", k, err)
		}
		got += k
	}
	return fd
}
