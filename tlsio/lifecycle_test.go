package tlsio_test

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/timer"
	"github.com/eddyio/eddy/tlsio"
)

// silentServer accepts connections and never answers: a handshake with it
// waits until it is stopped.
func silentServer(t *testing.T) string {
	return rawServer(t, func(c net.Conn) { io.Copy(io.Discard, c) })
}

// dialed is a future of an eddy TLS client stream over a TCP connection to
// addr, before any handshake.
func dialed(t *testing.T, addr string) future.Future[*tlsio.Stream] {
	cfg := newCert(t).clientConfig(0)
	return combinators.Map(socket.ConnectTCP(addr), func(c *socket.TCPStream) *tlsio.Stream { return tlsio.Client(c, cfg) })
}

// TestHandshakeTimeout: a handshake future abandoned by a timeout stops the
// handshake (its goroutine ends: the leak check) and the stream then fails
// with ErrHandshakeAbandoned.
func TestHandshakeTimeout(t *testing.T) {
	addr := silentServer(t)
	loop := loopkit.CheckedLoop(t)
	s, err := loopkit.Block(t, loop, dialed(t, addr))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := loopkit.Block(t, loop, timer.Timeout(s.Handshake(), 100*time.Millisecond)); !errors.Is(err, timer.ErrTimeout) {
		t.Fatalf("Timeout(Handshake) = %v; want ErrTimeout", err)
	}
	if _, err := loopkit.Block(t, loop, aio.Read(s, make([]byte, 1))); !errors.Is(err, tlsio.ErrHandshakeAbandoned) {
		t.Errorf("Read after the abandoned handshake = %v; want ErrHandshakeAbandoned", err)
	}
}

// TestCloseDuringHandshake: Close stops the handshake, and the task
// waiting on it sees net.ErrClosed.
func TestCloseDuringHandshake(t *testing.T) {
	addr := silentServer(t)
	loop := loopkit.CheckedLoop(t)
	s, err := loopkit.Block(t, loop, dialed(t, addr))
	if err != nil {
		t.Fatal(err)
	}
	closer := combinators.AndThen(driver.Sleep(50*time.Millisecond), func(struct{}) future.Future[struct{}] {
		s.Close()
		return future.Done()
	})
	_, err = loopkit.Block(t, loop, combinators.Join(aio.Read(s, make([]byte, 1)), closer))
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("Read while the stream is closed = %v; want net.ErrClosed", err)
	}
	if err := s.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close = %v; want net.ErrClosed", err)
	}
}

// TestLoopCloseDuringHandshake: a loop that shuts down with a handshake
// under way stops it; no goroutine is left (the leak check).
func TestLoopCloseDuringHandshake(t *testing.T) {
	addr := silentServer(t)
	loopkit.NoLeaks(t)
	loop, err := driver.New(loopkit.Config(t))
	if err != nil {
		t.Fatal(err)
	}
	defer loop.Close()
	s, err := loopkit.Block(t, loop, dialed(t, addr))
	if err != nil {
		t.Fatal(err)
	}
	loop.Spawn(combinators.Discard(aio.Read(s, make([]byte, 1))))
	loopkit.Block(t, loop, driver.Sleep(50*time.Millisecond)) // the handshake starts
	loop.Close()
	if _, err := loopkit.Block(t, loop, aio.Read(s, make([]byte, 1))); err == nil {
		t.Error("Read after the loop closed = nil error")
	}
}
