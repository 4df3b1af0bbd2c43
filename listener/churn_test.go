package listener_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/internal/testkit/echokit"
)

// maxChurnAllocs is what an accepted, echoed and closed connection may
// allocate at most, all of it on the server. 11 measured (go test -run
// TestChurnAllocsPerConn -v ./listener): the stream, its registration and
// its task (which driver.Spawn allocates, and nothing else) are the
// library's 3; the handler's three closures, Copy, AndThen, Map, Shutdown
// and Then are the other 8 (Split's halves are views of the stream). One
// of headroom.
const maxChurnAllocs = 12

// TestChurnAllocsPerConn serves connections that connect, send one
// message, read its echo and close (benchmark scenario e, with the
// benchmark's handler) and counts the heap allocations per connection.
// The client makes raw system calls, which allocate nothing, so every
// allocation counted is the server's.
func TestChurnAllocsPerConn(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	var served atomic.Int64
	rt, to := echokit.Serve(t, driver.Config{Logf: func(string, ...any) {}}, func() { served.Add(1) })
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		rt.Shutdown(ctx)
	}()

	msg, buf := make([]byte, 64), make([]byte, 64)
	churn := func(n int) {
		t.Helper()
		want := served.Load() + int64(n)
		for range n {
			fd := echokit.RawEcho(t, to, msg, buf)
			unix.Close(fd)
		}
		for i := 0; served.Load() < want; i++ { // the last closes are the server's own
			if i == 5000 {
				t.Fatalf("served %d connections; want %d", served.Load(), want)
			}
			time.Sleep(time.Millisecond)
		}
	}
	churn(300) // warm up: the registry's slab, the queues, the pools
	const n = 1000
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	churn(n)
	runtime.ReadMemStats(&after)
	per := float64(after.Mallocs-before.Mallocs) / n
	t.Logf("%.3f allocations per connection (%d connections)", per, n)
	if per > maxChurnAllocs {
		t.Errorf("%.2f allocations per accepted, echoed and closed connection; want at most %d", per, maxChurnAllocs)
	}
}
