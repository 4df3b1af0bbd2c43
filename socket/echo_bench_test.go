package socket_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"runtime"
	"testing"

	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/internal/testkit/loopkit"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

const msgSize = 64

// eddyEcho starts an eddy echo server for one connection (Copy over the
// split accepted stream, on a loop of its own goroutine) and returns a
// client connected to it.
func eddyEcho(tb testing.TB) net.Conn {
	tb.Helper()
	loop := loopkit.StartLoop(tb)
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		tb.Fatalf("BindTCP: %v", err)
	}
	tb.Cleanup(func() { l.Close() })
	done := make(chan struct{})
	loop.Spawn(combinators.AndThen(l.Accept(), func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		return combinators.Then(iocopy.Copy(r, w), func(int64, error) { conn.Close(); close(done) })
	}))
	c := dialClient(tb, l.Addr().String())
	// Before the loop stops: the client's EOF ends the server's task.
	tb.Cleanup(func() { c.Close(); <-done })
	return c
}

// netEcho starts a goroutine-and-io.Copy echo server for one connection and
// returns a client connected to it.
func netEcho(tb testing.TB) net.Conn {
	tb.Helper()
	l := listen(tb)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		// Plain io.Copy with its 32 KiB buffer, like eddy's Copy. Hiding
		// the ReadFrom and WriteTo methods keeps the runtime from splicing
		// through a pipe pair it caches for the rest of the process (which
		// the package's fd leak check would see).
		io.Copy(struct{ io.Writer }{c}, struct{ io.Reader }{c})
	}()
	c := dialClient(tb, l.Addr().String())
	tb.Cleanup(func() { c.Close(); <-done })
	return c
}

func dialClient(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		tb.Fatalf("Dial: %v", err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}

// pingPong sends one message and reads its echo.
func pingPong(tb testing.TB, c net.Conn, out, in []byte) {
	if _, err := c.Write(out); err != nil {
		tb.Fatalf("Write: %v", err)
	}
	if _, err := io.ReadFull(c, in); err != nil {
		tb.Fatalf("ReadFull: %v", err)
	}
}

// TestEchoSteadyStateAllocs guards contract 9: once a connection is
// established, echoing a message through it (readiness event, poll, read,
// write) allocates nothing. The client is a net.Conn in the same process,
// whose Read and Write allocate nothing either, so the whole round trip is
// measured. Small messages are read with short reads; messages of Copy's
// whole buffer with full ones, which turn TCP_INQ on and are then read
// with recvmsg (netpoll.FD.SetTCP).
func TestEchoSteadyStateAllocs(t *testing.T) {
	for _, size := range []int{msgSize, iocopy.BufferSize} {
		t.Run(fmt.Sprint(size), func(t *testing.T) { echoAllocs(t, size) })
	}
}

func echoAllocs(t *testing.T, size int) {
	c := eddyEcho(t)
	out, in := make([]byte, size), make([]byte, size)
	for i := range out {
		out[i] = byte(i)
	}
	for range 100 { // warm up: buffers pooled, queues grown
		pingPong(t, c, out, in)
	}
	allocs := testing.AllocsPerRun(1000, func() { pingPong(t, c, out, in) })
	if allocs != 0 {
		t.Errorf("echo round trip: %v allocations; want 0", allocs)
	}
	if !bytes.Equal(in, out) {
		t.Errorf("the echo differs from what was sent")
	}

	// AllocsPerRun rounds down: count exactly too, so that an allocation
	// every other message cannot hide. A few are allowed for the pooled
	// buffer, which a GC can take back (copy's sync.Pool is per P and
	// emptied by GCs): they are per GC, not per message.
	if raceOn {
		return // the race detector's sync.Pool drops buffers on purpose
	}
	const runs = 10000
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		pingPong(t, c, out, in)
	}
	runtime.ReadMemStats(&after)
	if n := after.Mallocs - before.Mallocs; n > runs/100 {
		t.Errorf("%d echo round trips made %d allocations (%d bytes); want about none", runs, n, after.TotalAlloc-before.TotalAlloc)
	}
}

// BenchmarkEcho measures ping-pong of 64-byte messages over one loopback
// connection, against an eddy server and a net + io.Copy one.
func BenchmarkEcho(b *testing.B) {
	for _, server := range []struct {
		name  string
		start func(testing.TB) net.Conn
	}{{"eddy", eddyEcho}, {"net", netEcho}} {
		b.Run(server.name, func(b *testing.B) {
			c := server.start(b)
			out, in := make([]byte, msgSize), make([]byte, msgSize)
			pingPong(b, c, out, in)
			b.ReportAllocs()
			b.SetBytes(msgSize)
			b.ResetTimer()
			for b.Loop() {
				pingPong(b, c, out, in)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}
