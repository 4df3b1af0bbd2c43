package socket_test

import (
	"net"
	"syscall"
	"testing"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/socket"
)

// startLoop, spawnResult and await are testkit's StartLoop, Spawn and
// Await under the names this package's tests use.
var startLoop = testkit.StartLoop

func spawnResult[T any](loop *driver.Loop, f future.Future[T]) <-chan testkit.Outcome[T] {
	return testkit.Spawn(loop, f)
}

func await[T any](t testing.TB, ch <-chan testkit.Outcome[T]) (T, error) {
	t.Helper()
	return testkit.Await(t, ch)
}

// listen returns a net.Listener on a free port of 127.0.0.1, closed when
// the test ends.
func listen(t testing.TB) *net.TCPListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l.(*net.TCPListener)
}

// pair returns a connected eddy stream (not yet registered with any loop)
// and its peer, a net.TCPConn. Both are closed when the test ends.
func pair(t testing.TB) (*socket.TCPStream, *net.TCPConn) {
	t.Helper()
	l := listen(t)
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	peer, err := l.AcceptTCP()
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	t.Cleanup(func() { peer.Close() })
	// Take the client's descriptor over: dup it, then close the net.Conn.
	raw, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fd int
	var dupErr error
	raw.Control(func(s uintptr) { fd, dupErr = syscall.Dup(int(s)) })
	c.Close()
	if dupErr != nil {
		t.Fatalf("dup: %v", dupErr)
	}
	syscall.CloseOnExec(fd)
	s, err := socket.NewTCPStream(fd)
	if err != nil {
		syscall.Close(fd)
		t.Fatalf("NewTCPStream: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, peer
}
