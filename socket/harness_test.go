package socket_test

import (
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// startLoop runs a driver loop on a goroutine of its own until the test
// ends; tests give it work with Spawn or spawnResult. The stall detector is
// on, and a stall fails the test.
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

// outcome is what a future spawned by spawnResult ended with.
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
