//go:build linux

package socket_test

import (
	"context"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// TestIdleConnectionHeap serves idleConns connections with examples/echo's
// pipeline (Split, Copy, AndThen to Shutdown, Then to Close, each a task
// of its own through listener.Server), has each echo one byte, and then
// measures the live heap the idle connections hold, after a GC: at most
// 440 bytes and 9 objects each (the task 96, the registration 64 and its
// slot 12, the stream 64, the copy 48, AndThen 32, Then 24 and the
// handler's two closures 32: about 376 bytes in 8 objects, the slot's
// chunk shared by 256). The clients are raw sockets, so they hold no heap
// of their own.
func TestIdleConnectionHeap(t *testing.T) {
	if raceOn {
		t.Skip("the race detector's bookkeeping is not what a connection costs")
	}
	const (
		idleConns   = 1000
		maxBytes    = 440
		maxObjects  = 9
		measureRuns = 3 // the least of a few measurements: a GC's timing can leave a stray object
	)
	loopkit.NoLeaks(t)
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 1, Config: loopkit.Config(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := listener.BindServer(rt, "127.0.0.1:0")
	if err != nil {
		rt.Shutdown(context.Background())
		t.Fatal(err)
	}
	// examples/echo's handler, without its logging.
	rt.Spawn(srv.Serve(func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		echo := combinators.AndThen(iocopy.Copy(r, w), func(n int64) future.Future[int64] {
			return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
		})
		return combinators.Then(echo, func(int64, error) { conn.Close() })
	}))
	clients := make([]int, 0, idleConns)
	defer func() {
		for _, fd := range clients {
			unix.Close(fd)
		}
		if err := rt.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown() = %v", err)
		}
	}()
	addr := srv.Addr()
	sa := &unix.SockaddrInet4{Port: addr.Port}
	copy(sa.Addr[:], addr.IP.To4())

	// One connection and its echo before the baseline, so that the
	// loop's and the pool's first allocations are not counted.
	clients = append(clients, echoClient(t, sa))
	before := liveHeap()
	for len(clients) < cap(clients) {
		clients = append(clients, echoClient(t, sa))
	}
	n := uint64(len(clients) - 1)
	var bytes, objects uint64 = 1 << 62, 1 << 62
	for range measureRuns {
		after := liveHeap()
		bytes = min(bytes, (after.HeapAlloc-before.HeapAlloc)/n)
		objects = min(objects, (after.HeapObjects-before.HeapObjects)/n)
	}
	t.Logf("%d idle echo connections: %d bytes and %d objects of live heap each", n, bytes, objects)
	if bytes > maxBytes || objects > maxObjects {
		t.Errorf("an idle echo connection holds %d bytes in %d objects; want at most %d bytes and %d objects",
			bytes, objects, maxBytes, maxObjects)
	}
}

// echoClient connects a raw blocking socket to sa and has one byte echoed
// through it.
func echoClient(t *testing.T, sa *unix.SockaddrInet4) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	if err := unix.Connect(fd, sa); err != nil {
		unix.Close(fd)
		t.Fatalf("connect: %v", err)
	}
	var b [1]byte
	if _, err := unix.Write(fd, []byte{'x'}); err != nil {
		unix.Close(fd)
		t.Fatalf("write: %v", err)
	}
	if n, err := unix.Read(fd, b[:]); n != 1 || err != nil {
		unix.Close(fd)
		t.Fatalf("read the echo: %d, %v", n, err)
	}
	return fd
}

// liveHeap returns the memory statistics after two collections (the
// second empties sync.Pool's victim cache).
func liveHeap() runtime.MemStats {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms
}
