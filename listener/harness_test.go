package listener_test

import (
	"net"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/listener"
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

// bind returns a listener on a free port of 127.0.0.1, closed when the
// test ends.
func bind(t testing.TB) *listener.TCPListener {
	t.Helper()
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatalf("BindTCP: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// dial connects a net.Conn client to l, closed when the test ends.
func dial(t testing.TB, l *listener.TCPListener) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", l.Addr().String(), 10*time.Second)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}
