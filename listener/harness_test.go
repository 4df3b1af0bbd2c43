package listener_test

import (
	"net"
	"testing"
	"time"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
)

// startLoop runs a driver loop on a goroutine of its own until the test
// ends. The stall detector is on, and a stall fails the test.
func startLoop(t testing.TB) *driver.Loop {
	t.Helper()
	loop, err := driver.New(driver.Config{
		DetectStalls: true,
		Logf:         t.Logf,
		OnStall:      func(se *driver.StallError) { t.Errorf("stall: %v", se) },
	})
	if err != nil {
		t.Fatalf("driver.New: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := driver.BlockOn(loop, future.Never[struct{}]()); err != driver.ErrStopped {
			t.Errorf("BlockOn() = %v; want ErrStopped", err)
		}
		loop.Close()
	}()
	t.Cleanup(func() {
		loop.Stop()
		<-done
	})
	return loop
}

type outcome[T any] struct {
	val T
	err error
}

// spawnResult runs f as a task of loop and delivers its result.
func spawnResult[T any](loop *driver.Loop, f future.Future[T]) <-chan outcome[T] {
	ch := make(chan outcome[T], 1)
	loop.Spawn(combinators.Then(f, func(v T, err error) { ch <- outcome[T]{v, err} }))
	return ch
}

// await waits (bounded) for the result of spawnResult.
func await[T any](t testing.TB, ch <-chan outcome[T]) (T, error) {
	t.Helper()
	select {
	case o := <-ch:
		return o.val, o.err
	case <-time.After(10 * time.Second):
		t.Fatalf("task not done after 10s")
		panic("unreachable")
	}
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
