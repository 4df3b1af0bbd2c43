package listener_test

import (
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/stream"
)

// serveUntilClosed runs the echo shape over incoming on a new loop whose
// handlers wait an hour before they touch their connection, dials n
// clients with dial, waits until the server accepted them all, then stops
// and closes the loop. It returns the clients.
func serveUntilClosed[S interface {
	aio.AsyncReader
	aio.AsyncWriter
	io.Closer
}](t *testing.T, incoming stream.Stream[S], n int, dial func() net.Conn) []net.Conn {
	t.Helper()
	loop, err := driver.New(driver.Config{Logf: t.Logf})
	if err != nil {
		t.Fatalf("driver.New() = %v", err)
	}
	var accepted atomic.Int64
	server := combinators.ForEach(incoming, func(conn S) future.Future[struct{}] {
		accepted.Add(1)
		handler := combinators.AndThen(driver.Sleep(time.Hour), func(struct{}) future.Future[int64] {
			return iocopy.Copy(conn, conn)
		})
		return driver.Spawn(combinators.Discard(aio.Closing(conn, handler)))
	})
	done := make(chan error, 1)
	go func() {
		_, err := driver.BlockOn(loop, server)
		done <- err
	}()
	clients := make([]net.Conn, 0, n)
	for range n {
		clients = append(clients, dial())
	}
	deadline := time.Now().Add(10 * time.Second)
	for accepted.Load() < int64(n) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := accepted.Load(); got != int64(n) {
		t.Fatalf("server accepted %d of %d clients", got, n)
	}
	loop.Stop()
	if err := <-done; !errors.Is(err, driver.ErrStopped) {
		t.Fatalf("BlockOn() = %v; want ErrStopped", err)
	}
	var se *driver.ShutdownError
	if err := loop.Close(); !errors.As(err, &se) || len(se.Cancelled) != n {
		t.Fatalf("Close() = %v; want a *ShutdownError cancelling the %d handlers", err, n)
	}
	return clients
}

// expectEOF checks that every client reads the end of input: the server's
// end of its connection was closed.
func expectEOF(t *testing.T, clients []net.Conn) {
	t.Helper()
	buf := make([]byte, 1)
	deadline := time.Now().Add(10 * time.Second)
	for i, c := range clients {
		c.SetReadDeadline(deadline)
		if n, err := c.Read(buf); n != 0 || err != io.EOF {
			t.Errorf("client %d: Read after the loop closed = %d, %v; want 0, EOF (the server's socket closed)", i, n, err)
		}
	}
}

// TestLoopCloseClosesUnpolledAcceptedStreams: accepted connections whose
// tasks were cancelled before they ever polled their socket are closed by
// the loop's Close, as aio.Closing promises.
func TestLoopCloseClosesUnpolledAcceptedStreams(t *testing.T) {
	const n = 20
	t.Run("tcp", func(t *testing.T) {
		l := bind(t)
		clients := serveUntilClosed(t, l.Incoming(), n, func() net.Conn { return dial(t, l) })
		expectEOF(t, clients)
	})
	t.Run("unix", func(t *testing.T) {
		path := t.TempDir() + "/s"
		l, err := listener.BindUnix(path)
		if err != nil {
			t.Fatalf("BindUnix() = %v", err)
		}
		t.Cleanup(func() { l.Close() })
		clients := serveUntilClosed(t, l.Incoming(), n, func() net.Conn {
			c, err := net.DialTimeout("unix", path, 10*time.Second)
			if err != nil {
				t.Fatalf("Dial() = %v", err)
			}
			t.Cleanup(func() { c.Close() })
			return c
		})
		expectEOF(t, clients)
	})
}
