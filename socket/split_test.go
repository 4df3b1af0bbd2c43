package socket_test

import (
	"errors"
	"io"
	"net"
	"testing"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
)

// TestSplitAllocatesNothing: the halves are views of the stream, so an
// idle split connection pays for no object of its own.
func TestSplitAllocatesNothing(t *testing.T) {
	s, _ := pair(t)
	var r *socket.ReadHalf
	var w *socket.WriteHalf
	if n := testing.AllocsPerRun(100, func() { r, w = s.Split() }); n != 0 {
		t.Errorf("Split allocates %v times; want 0", n)
	}
	if r == nil || w == nil {
		t.Fatal("Split returned a nil half")
	}
}

// TestSplitHalves: the read half reads what the peer sent and waits while
// there is nothing, the write half writes and passes the half-close on,
// and once the stream is closed both answer net.ErrClosed in a
// *net.OpError naming the operation.
func TestSplitHalves(t *testing.T) {
	loop := loopkit.StartLoop(t)
	s, peer := pair(t)
	r, w := s.Split()

	// The write half: the peer reads the bytes, then EOF.
	send := combinators.AndThen(aio.WriteAll(w, []byte("ping")), func(int) future.Future[struct{}] {
		return aio.Shutdown(w)
	})
	if _, err := loopkit.Await(t, loopkit.Spawn(loop, send)); err != nil {
		t.Fatalf("write and shut down through the write half: %v", err)
	}
	if got, err := io.ReadAll(peer); string(got) != "ping" || err != nil {
		t.Errorf("the peer read %q, %v; want %q and EOF", got, err, "ping")
	}

	// The read half: the peer's bytes, then EOF, read while the write
	// side is already shut down.
	if _, err := peer.Write([]byte("pong")); err != nil {
		t.Fatal(err)
	}
	peer.CloseWrite()
	got, err := loopkit.Await(t, loopkit.Spawn(loop, aio.ReadToEnd(r)))
	if string(got) != "pong" || err != nil {
		t.Errorf("ReadToEnd(read half) = %q, %v; want %q", got, err, "pong")
	}
	// The read half is a readiness reader (Copy holds no buffer while it
	// waits).
	var _ aio.ReadinessReader = r

	s.Close()
	check := func(op string, err error) {
		t.Helper()
		var oe *net.OpError
		if !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) || oe.Op != op {
			t.Errorf("%s after Close: %v; want a *net.OpError %q wrapping net.ErrClosed", op, err, op)
		}
	}
	_, err = loopkit.Await(t, loopkit.Spawn(loop, aio.Read(r, make([]byte, 8))))
	check("read", err)
	_, err = loopkit.Await(t, loopkit.Spawn(loop, aio.WriteAll(w, []byte("x"))))
	check("write", err)
	check("flush", w.PollFlush(future.NewContext(nil, nil)).Err())
}
