package listener_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// echoOn is the echo example's handler that also records the loop that
// served the connection.
func echoOn(record func(*driver.Loop)) func(*socket.TCPStream) future.Future[struct{}] {
	return func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		echo := combinators.AndThen(iocopy.Copy(r, w), func(n int64) future.Future[int64] {
			return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
		})
		first := true
		return aio.Closing(conn, combinators.Discard(future.PollFn(func(cx *future.Context) future.Poll[int64] {
			if first {
				first = false
				l, _ := driver.LoopOf(cx)
				record(l)
			}
			return echo.Poll(cx)
		})))
	}
}

// roundTrip writes msg to c, half-closes, and reads the echo to the end.
func roundTrip(c net.Conn, msg []byte) error {
	if _, err := c.Write(msg); err != nil {
		return err
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		return err
	}
	got, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, msg) {
		return fmt.Errorf("echoed %d bytes, %q...; want %d", len(got), got[:min(len(got), 16)], len(msg))
	}
	return nil
}

func message(i, size int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("%08d", i)), size/8)
}

// TestServerSpreadsConnections serves echo connections on a runtime of
// two loops with each spread, and checks that every byte comes back and
// both loops served connections.
func TestServerSpreadsConnections(t *testing.T) {
	for _, spread := range []listener.Spread{listener.ReusePort, listener.Handoff} {
		t.Run(spread.String(), func(t *testing.T) {
			loopkit.NoLeaks(t)
			rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2, Config: loopkit.Config(t)})
			if err != nil {
				t.Fatal(err)
			}
			srv, err := listener.ServerConfig{Spread: spread}.Bind(rt, "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			served := map[*driver.Loop]int{}
			rt.Spawn(srv.Serve(echoOn(func(l *driver.Loop) { mu.Lock(); served[l]++; mu.Unlock() })))
			const conns = 64
			var wg sync.WaitGroup
			for i := range conns {
				wg.Go(func() {
					c, err := net.Dial("tcp", srv.Addr().String())
					if err != nil {
						t.Error(err)
						return
					}
					defer c.Close()
					if err := roundTrip(c, message(i, 64<<10)); err != nil {
						t.Errorf("connection %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			if err := rt.Shutdown(context.Background()); err != nil {
				t.Errorf("Shutdown() = %v", err)
			}
			total := 0
			for i, l := range rt.Loops() {
				total += served[l]
				if served[l] == 0 {
					t.Errorf("loop %d served no connection of %d", i, conns)
				}
			}
			if total != conns {
				t.Errorf("served %d connections; want %d", total, conns)
			}
		})
	}
}

// TestServerShutdownBusyConnections shuts a runtime down with a thousand
// connections open: the ones that finished before keep every byte, the
// ones that finish during the grace too, and the rest are cancelled,
// reported, and closed; nothing is left behind.
func TestServerShutdownBusyConnections(t *testing.T) {
	for _, spread := range []listener.Spread{listener.ReusePort, listener.Handoff} {
		t.Run(spread.String(), func(t *testing.T) { testShutdownBusy(t, spread) })
	}
}

func testShutdownBusy(t *testing.T, spread listener.Spread) {
	loopkit.NoLeaks(t)
	const conns = 1000
	const size = 4 << 10
	var reportMu sync.Mutex
	var reports []string
	cfg := loopkit.Config(t)
	cfg.Logf = func(format string, args ...any) {
		reportMu.Lock()
		reports = append(reports, fmt.Sprintf(format, args...))
		reportMu.Unlock()
	}
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := listener.ServerConfig{Spread: spread}.Bind(rt, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rt.Spawn(srv.Serve(echoOn(func(*driver.Loop) {})))

	clients := make([]*net.TCPConn, conns)
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.Close()
			}
		}
	}()
	for i := range clients {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c.(*net.TCPConn)
	}
	// Every connection is busy: a message out and back, the stream left open.
	for i, c := range clients {
		msg := message(i, size)
		if _, err := c.Write(msg); err != nil {
			t.Fatal(err)
		}
		got := make([]byte, len(msg))
		if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("connection %d: echo %v", i, err)
		}
	}
	// The first half finish before the shutdown.
	for i, c := range clients[:conns/2] {
		if err := roundTrip(c, message(i, size)); err != nil {
			t.Errorf("connection %d, finished before: %v", i, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	shut := make(chan error, 1)
	go func() { shut <- rt.Shutdown(ctx) }()
	// A quarter finish during the grace: every byte still comes back.
	for i, c := range clients[conns/2 : conns*3/4] {
		if err := roundTrip(c, message(i, size)); err != nil {
			t.Errorf("connection %d, finished in the grace: %v", conns/2+i, err)
		}
	}
	cancel() // the deadline: the last quarter is still open
	err = <-shut
	var se *driver.ShutdownError
	if !errors.As(err, &se) || len(se.Cancelled) != conns/4 {
		n := -1
		if se != nil {
			n = len(se.Cancelled)
		}
		t.Fatalf("Shutdown() cancelled %d tasks (%v); want %d", n, err, conns/4)
	}
	reportMu.Lock()
	logged := len(reports)
	reportMu.Unlock()
	if logged == 0 {
		t.Errorf("the cancelled tasks were not reported to the loops' Logf")
	}
	// The cancelled connections were closed by the runtime: their clients
	// read the end.
	for i, c := range clients[conns*3/4:] {
		if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
			t.Errorf("connection %d after Shutdown: Read() = %d, %v; want the end", conns*3/4+i, n, err)
		}
	}
}

// TestServerHandlerPanic: a handler that panics for a connection ends
// only that connection (closed, the panic reported as a
// *future.PanicError) and the server goes on accepting on every loop. The
// handler runs in the accept task, so a panic used to end the acceptor of
// that loop: its listener stayed open with nobody accepting, the clients
// the kernel gave it hung, and Serve never ended.
func TestServerHandlerPanic(t *testing.T) {
	for _, spread := range []listener.Spread{listener.ReusePort, listener.Handoff} {
		t.Run(spread.String(), func(t *testing.T) {
			loopkit.NoLeaks(t)
			var mu sync.Mutex
			var panics []*future.PanicError
			rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2, Config: driver.Config{
				Logf: func(format string, args ...any) {
					for _, a := range args {
						if pe, ok := a.(*future.PanicError); ok {
							mu.Lock()
							panics = append(panics, pe)
							mu.Unlock()
							return
						}
					}
					t.Errorf("driver: "+format, args...)
				}}})
			if err != nil {
				t.Fatal(err)
			}
			srv, err := listener.ServerConfig{Spread: spread}.Bind(rt, "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			var calls sync.Mutex
			n := 0
			echo := echoOn(func(*driver.Loop) {})
			rt.Spawn(srv.Serve(func(c *socket.TCPStream) future.Future[struct{}] {
				calls.Lock()
				n++
				odd := n%2 == 1
				calls.Unlock()
				if odd {
					panic("handler panic")
				}
				return echo(c)
			}))
			const conns = 32
			echoed := 0
			for i := range conns { // one at a time: every other handler call panics
				c, err := net.Dial("tcp", srv.Addr().String())
				if err != nil {
					t.Fatal(err)
				}
				c.SetDeadline(time.Now().Add(10 * time.Second))
				err = roundTrip(c, message(i, 64))
				c.Close()
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Fatalf("connection %d hung: %v", i, err)
				}
				if err == nil {
					echoed++
				}
			}
			if err := rt.Shutdown(context.Background()); err != nil {
				t.Errorf("Shutdown() = %v", err)
			}
			if echoed != conns/2 || len(panics) != conns/2 {
				t.Errorf("%d connections echoed and %d panics reported; want %d each", echoed, len(panics), conns/2)
			}
			for _, pe := range panics {
				if pe.Value != "handler panic" {
					t.Errorf("reported panic %v; want the handler's", pe)
				}
			}
		})
	}
}
