package socket_test

import (
	"testing"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
)

// TestStreamIOOrdersMemory checks that, for the race detector as for the
// kernel, what a task did before writing to a stream happened before what
// the task that reads the bytes does after: two loops that hand memory
// over through a Unix pair, as through a pipe, race nothing. (Go's own
// read and write, and x/sys's, say so to the race detector.)
func TestStreamIOOrdersMemory(t *testing.T) {
	writer, reader := loopkit.StartLoop(t), loopkit.StartLoop(t)
	a, b, err := socket.UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	ta, tb := tcpPair(t)
	for _, write := range []struct {
		name string
		poll func(cx *future.Context, p []byte) future.Poll[int]
		to   aio.AsyncReader
	}{
		{"UnixStream.PollWrite", a.PollWrite, b},
		{"TCPStream.PollWrite", ta.PollWrite, tb},
		{"TCPStream.PollWriteVectored", func(cx *future.Context, p []byte) future.Poll[int] {
			return ta.PollWriteVectored(cx, [][]byte{nil, p})
		}, tb},
	} {
		var handed []byte
		wrote := false
		w := future.PollFn(func(cx *future.Context) future.Poll[int] {
			if !wrote {
				handed = []byte("handed over") // before the write, on the writer's loop
				wrote = true
			}
			return write.poll(cx, []byte{1})
		})
		buf := make([]byte, 1)
		got := combinators.Map(aio.ReadExact(write.to, buf), func(int) string { return string(handed) })
		rc := loopkit.Spawn(reader, got)
		if _, err := loopkit.Await(t, loopkit.Spawn(writer, w)); err != nil {
			t.Fatalf("%s: %v", write.name, err)
		}
		if s, err := loopkit.Await(t, rc); err != nil || s != "handed over" {
			t.Errorf("%s: the reader saw %q, %v; want %q", write.name, s, err, "handed over")
		}
	}
}

// tcpPair returns the two ends of a TCP connection on 127.0.0.1, both
// eddy streams, closed when the test ends.
func tcpPair(t *testing.T) (*socket.TCPStream, *socket.TCPStream) {
	t.Helper()
	s, peer := pair(t)
	p, err := socket.FromTCPConn(peer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return s, p
}
