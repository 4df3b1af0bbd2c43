// Package testkit holds the helpers that the tests of several eddy packages
// share: a driver configuration under which a stall fails the test, loops
// that end with the test, bounded waits for a task's result, a leak check
// for socket tests, a counting waker, and poll descriptions for failure
// messages. What only one package's tests need stays in that package.
//
// It is imported by tests only, never by library code: it imports package
// testing.
package testkit

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/stream"
)

// Timeout bounds every wait of the kit: a task that is not done by then
// fails the test instead of hanging it.
const Timeout = 10 * time.Second

// Config returns the driver configuration of a test: the lost-wake-up
// detector is on, a stall fails t, and the loop logs through t.
func Config(t testing.TB) driver.Config {
	t.Helper()
	return driver.Config{
		DetectStalls: true,
		OnStall:      func(e *driver.StallError) { t.Errorf("stall: %v", e) },
		Logf:         t.Logf,
	}
}

// NewLoop returns a loop with the test configuration, closed when the test
// ends.
func NewLoop(t testing.TB) *driver.Loop {
	t.Helper()
	l, err := driver.New(Config(t))
	if err != nil {
		t.Fatalf("driver.New() = %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// StartLoop runs a loop with the test configuration on a goroutine of its
// own until the test ends; the test gives it work with Spawn. At cleanup
// the loop is stopped and closed, and its goroutine has returned.
func StartLoop(t testing.TB) *driver.Loop {
	t.Helper()
	loop, err := driver.New(Config(t))
	if err != nil {
		t.Fatalf("driver.New() = %v", err)
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

// Outcome is what a future run by Spawn ended with.
type Outcome[T any] struct {
	Value T
	Err   error
}

// Spawn runs f as a task of loop and delivers its result on the returned
// channel, which has room for it.
func Spawn[T any](loop *driver.Loop, f future.Future[T]) <-chan Outcome[T] {
	ch := make(chan Outcome[T], 1)
	loop.Spawn(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		p := f.Poll(cx)
		if p.IsPending() {
			return future.Pending[struct{}]()
		}
		v, err := p.Result()
		ch <- Outcome[T]{Value: v, Err: err}
		return future.Ok(struct{}{})
	}))
	return ch
}

// Await waits for the result of Spawn, failing the test after [Timeout].
func Await[T any](t testing.TB, ch <-chan Outcome[T]) (T, error) {
	t.Helper()
	select {
	case o := <-ch:
		return o.Value, o.Err
	case <-time.After(Timeout):
		t.Fatalf("task not done after %v", Timeout)
		panic("unreachable")
	}
}

// BlockOn drives f on loop from the calling goroutine, failing the test if
// it takes longer than d (the loop is stopped then).
func BlockOn[T any](t testing.TB, loop *driver.Loop, f future.Future[T], d time.Duration) (T, error) {
	t.Helper()
	timer := time.AfterFunc(d, loop.Stop)
	defer timer.Stop()
	v, err := driver.BlockOn(loop, f)
	if errors.Is(err, driver.ErrStopped) {
		t.Fatalf("BlockOn: timed out after %v", d)
	}
	return v, err
}

// NoLeaks fails the test if, at its end (after the cleanups registered
// later), a descriptor it opened is still open or a goroutine it started
// is still running; see [leaktest.Fds] and [leaktest.Goroutines]. It first
// makes package net start its own poller, which lives for the process and
// is no leak. A test that uses it must not run in parallel.
func NoLeaks(t testing.TB) {
	t.Helper()
	if c, err := net.ListenPacket("udp", "127.0.0.1:0"); err == nil {
		c.Close()
	}
	leaktest.Goroutines(t)
	leaktest.Fds(t)
}

// SocketPath returns the path "s" in a fresh temporary directory, removed
// when the test ends: a Unix socket path that does not exist yet and is
// short enough for sun_path.
func SocketPath(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "eddy")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "s")
}

// WakeCounter is a [future.Waker] that counts its wake-ups. It is safe for
// concurrent use.
type WakeCounter struct{ n atomic.Int64 }

// Wake counts one wake-up.
func (w *WakeCounter) Wake() { w.n.Add(1) }

// Count returns the number of wake-ups so far.
func (w *WakeCounter) Count() int { return int(w.n.Load()) }

// Describe renders a future poll for messages and comparisons: "pending",
// "error " and the error's text, or "ready " and the value.
func Describe[T any](p future.Poll[T]) string {
	switch {
	case p.IsPending():
		return "pending"
	case p.Err() != nil:
		return "error " + p.Err().Error()
	}
	return fmt.Sprintf("ready %v", p.Value())
}

// DescribeItem renders a stream poll: "pending", "end", "error " and the
// error's text, or "item " and the value.
func DescribeItem[T any](p stream.Poll[T]) string {
	switch {
	case p.IsPending():
		return "pending"
	case p.IsEnd():
		return "end"
	case p.Err() != nil:
		return "error " + p.Err().Error()
	}
	return fmt.Sprintf("item %v", p.Value())
}

// CheckedLoop is NewLoop for a test that must also leave no descriptor or
// goroutine behind (NoLeaks).
func CheckedLoop(t *testing.T) *driver.Loop {
	t.Helper()
	NoLeaks(t)
	return NewLoop(t)
}

// Block is BlockOn with the default Timeout.
func Block[T any](t *testing.T, loop *driver.Loop, f future.Future[T]) (T, error) {
	t.Helper()
	return BlockOn(t, loop, f, Timeout)
}
