//go:build linux

package socket_test

import (
	"context"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/testkit/echokit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// TestIdleConnectionHeap serves idleConns connections with examples/echo's
// pipeline (Split, Copy, AndThen to Shutdown, Then to Close, each a task
// of its own through listener.Server), has each echo one byte, and then
// measures the live heap the idle connections hold, after a GC: at most
// 300 bytes and 9 objects each (the task 32 and its slot 8, the
// registration 48 and its slot 8, the stream 48, the copy 48, AndThen 24,
// Then 24 and the handler's two closures 32: about 272 bytes in 8 objects,
// the slots' chunks shared by 256). The clients are raw sockets, so they hold no heap
// of their own.
func TestIdleConnectionHeap(t *testing.T) {
	if raceOn {
		t.Skip("the race detector's bookkeeping is not what a connection costs")
	}
	const (
		idleConns   = 1000
		maxBytes    = 300
		maxObjects  = 9
		measureRuns = 3 // the least of a few measurements: a GC's timing can leave a stray object
	)
	loopkit.NoLeaks(t)
	rt, sa := echokit.Serve(t, loopkit.Config(t), nil)
	clients := make([]int, 0, idleConns)
	defer func() {
		for _, fd := range clients {
			unix.Close(fd)
		}
		if err := rt.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown() = %v", err)
		}
	}()

	// One connection and its echo before the baseline, so that the
	// loop's and the pool's first allocations are not counted.
	msg, buf := []byte{'x'}, make([]byte, 1)
	clients = append(clients, echokit.RawEcho(t, sa, msg, buf))
	before := liveHeap()
	for len(clients) < cap(clients) {
		clients = append(clients, echokit.RawEcho(t, sa, msg, buf))
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

// liveHeap returns the memory statistics after two collections (the
// second empties sync.Pool's victim cache).
func liveHeap() runtime.MemStats {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms
}
