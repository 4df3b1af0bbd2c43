// Package loopkit holds the helpers that the tests of several eddy packages
// share for running futures on a driver loop: a driver configuration under
// which a stall fails the test, loops that end with the test, bounded waits
// for a task's result, a leak check for socket tests and socket paths.
// Polling by hand, with no loop, is package testkit's business; the tests
// of the algebra (future, stream, combinators, channel, semaphore) use only
// that, and the tests of everything that needs a loop use this package too.
//
// It is imported by tests only, never by library code: it imports package
// testing.
package loopkit

import (
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
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

// Run drives f to its end with [driver.Run] on a new loop with the test
// configuration, from the calling goroutine, and returns its result.
func Run[T any](t testing.TB, f future.Future[T]) (T, error) {
	t.Helper()
	return driver.RunWith(Config(t), f)
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

// BlockOn drives f on loop from the calling goroutine with a watchdog that
// stops the loop after d, failing the test, so that a lost wake-up cannot
// hang the run. A future that stops the loop itself is no failure.
func BlockOn[T any](t testing.TB, loop *driver.Loop, f future.Future[T], d time.Duration) (T, error) {
	t.Helper()
	done := make(chan struct{})
	var fired atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		select {
		case <-done:
		case <-time.After(d):
			fired.Store(true)
			loop.Stop()
		}
	})
	v, err := driver.BlockOn(loop, f)
	close(done)
	wg.Wait()
	if fired.Load() {
		t.Fatalf("BlockOn(%T) did not return within %v (a lost wake-up?); it returned %v, %v", f, d, v, err)
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

// CheckedLoop is NewLoop for a test that must also leave no descriptor or
// goroutine behind (NoLeaks).
func CheckedLoop(t testing.TB) *driver.Loop {
	t.Helper()
	NoLeaks(t)
	return NewLoop(t)
}

// Block is BlockOn with the default Timeout.
func Block[T any](t testing.TB, loop *driver.Loop, f future.Future[T]) (T, error) {
	t.Helper()
	return BlockOn(t, loop, f, Timeout)
}
