package tlsio_test

import (
	"io"
	"testing"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/tlsio"
)

// pipeHalf is one direction of an in-memory pipe of bounded capacity,
// used from one goroutine at a time.
type pipeHalf struct {
	buf    []byte // unread bytes, inside store
	store  []byte // of the pipe's capacity
	size   int
	closed bool
	reader future.Waker // waits for data
	writer future.Waker // waits for room
}

func wake(w *future.Waker) {
	if *w != nil {
		(*w).Wake()
		*w = nil
	}
}

// pipeConn is an aio.AsyncReadWriter over two pipe halves: no socket, no
// readiness, small buffers (so that every read and write meets pending).
type pipeConn struct{ in, out *pipeHalf }

func pipePair(size int) (*pipeConn, *pipeConn) {
	a := &pipeHalf{size: size, store: make([]byte, 0, size)}
	b := &pipeHalf{size: size, store: make([]byte, 0, size)}
	return &pipeConn{in: a, out: b}, &pipeConn{in: b, out: a}
}

func (c *pipeConn) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	h := c.in
	if len(h.buf) == 0 {
		if h.closed {
			return future.Result(0, io.EOF)
		}
		h.reader = cx.Waker()
		return future.Pending[int]()
	}
	n := copy(p, h.buf)
	h.buf = h.buf[n:]
	wake(&h.writer)
	return future.Ok(n)
}

func (c *pipeConn) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	h := c.out
	if h.closed {
		return future.Fail[int](io.ErrClosedPipe)
	}
	room := h.size - len(h.buf)
	if room == 0 {
		h.writer = cx.Waker()
		return future.Pending[int]()
	}
	n := min(room, len(p))
	if len(h.buf)+n > cap(h.buf) {
		h.buf = append(h.store[:0], h.buf...) // move the unread bytes down
	}
	h.buf = append(h.buf, p[:n]...)
	wake(&h.reader)
	return future.Ok(n)
}

func (c *pipeConn) PollFlush(*future.Context) future.Poll[struct{}] { return future.Ok(struct{}{}) }

func (c *pipeConn) PollShutdown(*future.Context) future.Poll[struct{}] {
	c.out.closed = true
	wake(&c.out.reader)
	return future.Ok(struct{}{})
}

// TestOverAnyReadWriter runs a client and a server over an in-memory pipe
// of 1 KiB each way, which is no socket: every record crosses in pieces.
func TestOverAnyReadWriter(t *testing.T) {
	cert := newCert(t)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			loopkit.NoLeaks(t)
			a, b := pipePair(1 << 10)
			server, client := tlsio.Server(a, cert.serverConfig(v.vers)), tlsio.Client(b, cert.clientConfig(v.vers))
			echoed := combinators.AndThen(iocopy.Copy(server, server), func(n int64) future.Future[int64] {
				return combinators.Map(aio.Shutdown(server), func(struct{}) int64 { return n })
			})
			msg := randomBytes(t, 1<<20)
			both, err := loopkit.Run(t, combinators.Join(echoed, sendAndRead(client, msg)))
			if err != nil {
				t.Fatalf("echo over a pipe = %v", err)
			}
			if both.First != int64(len(msg)) {
				t.Errorf("server copied %d bytes; want %d", both.First, len(msg))
			}
			sameBytes(t, "echo over a pipe", both.Second, msg)
		})
	}
}

// TestEchoAllocs: once the handshake is done, a message written, read and
// echoed back through two Streams allocates nothing of tlsio's. crypto/tls
// allocates one small object per record it reads (readFromUntil hands
// bytes.Buffer.ReadFrom a new &atLeastReader{...}), so two per round trip.
func TestEchoAllocs(t *testing.T) {
	if raceOn {
		t.Skip("the race detector's sync.Pool drops what is put in it")
	}
	cert := newCert(t)
	loopkit.NoLeaks(t)
	a, b := pipePair(64 << 10)
	server, client := tlsio.Server(a, cert.serverConfig(0)), tlsio.Client(b, cert.clientConfig(0))
	if _, err := loopkit.Run(t, combinators.Join(server.Handshake(), client.Handshake())); err != nil {
		t.Fatal(err)
	}
	cx, _ := testkit.NewContext()
	msg, buf := []byte("a message of some sixty-four bytes, echoed through two streams.\n"), make([]byte, 256)
	roundTrip := func() {
		if p := client.PollWrite(cx, msg); p.Value() != len(msg) {
			t.Fatalf("client PollWrite = %s", testkit.Describe(p))
		}
		p := server.PollRead(cx, buf)
		if p.Value() != len(msg) {
			t.Fatalf("server PollRead = %s", testkit.Describe(p))
		}
		server.PollWrite(cx, buf[:p.Value()])
		if p := client.PollRead(cx, buf); p.Value() != len(msg) {
			t.Fatalf("client PollRead = %s", testkit.Describe(p))
		}
	}
	roundTrip()
	n := testing.AllocsPerRun(100, roundTrip)
	t.Logf("allocations per round trip: %v", n)
	if n > 2 {
		t.Errorf("a round trip after the handshake allocates %v times; want at most crypto/tls's 2", n)
	}
}
