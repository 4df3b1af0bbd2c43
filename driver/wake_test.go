package driver_test

import (
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// The loop blocks its thread in epoll_wait for a while before it parks
// (netpoll.Parker). These tests run with one P, where a blocked thread and
// a goroutine that wants to run compete for it, and check that nothing
// waits forever. They assert no durations.

// oneProc sets GOMAXPROCS to 1 until the test ends.
func oneProc(t *testing.T) {
	prev := runtime.GOMAXPROCS(1)
	t.Cleanup(func() { runtime.GOMAXPROCS(prev) })
}

// wakePauses vary when another goroutine wakes the loop: at once, while it
// is (probably) blocked in epoll_wait, and once it has (probably) parked.
var wakePauses = []time.Duration{0, 200 * time.Microsecond, 15 * time.Millisecond}

func TestWakeWithOneProc(t *testing.T) {
	oneProc(t)
	loop := loopkit.StartLoop(t)
	for i := range 30 {
		var l latch
		done := loopkit.Spawn(loop, future.Future[struct{}](&l))
		if pause := wakePauses[i%len(wakePauses)]; pause > 0 {
			time.Sleep(pause)
		} else {
			runtime.Gosched()
		}
		l.Set()
		if _, err := loopkit.Await(t, done); err != nil {
			t.Fatalf("round %d: task = %v", i, err)
		}
	}
}

func TestLoopReadiesGoroutineWithOneProc(t *testing.T) {
	oneProc(t)
	loop := loopkit.StartLoop(t)
	req := make(chan int)
	replies := make(chan int, 1)
	served := make(chan struct{})
	go func() { // readied by the loop's task; it must get the P to answer
		defer close(served)
		for v := range req {
			replies <- v
		}
	}()
	defer func() { close(req); <-served }()
	for i := range 100 {
		// The task readies the goroutine (a send it is waiting for), then
		// the loop has nothing to run and goes to wait.
		if _, err := loopkit.Await(t, loopkit.Spawn(loop, future.PollFn(func(*future.Context) future.Poll[struct{}] {
			req <- i
			return future.Ok(struct{}{})
		}))); err != nil {
			t.Fatalf("round %d: task = %v", i, err)
		}
		select {
		case v := <-replies:
			if v != i {
				t.Fatalf("round %d: reply %d", i, v)
			}
		case <-time.After(loopkit.Timeout):
			t.Fatalf("round %d: the goroutine the loop readied did not run within %v", i, loopkit.Timeout)
		}
	}
	// And a goroutine a task readies that in turn wakes a task of the loop.
	for i := range 100 {
		var l latch
		started := false
		done := loopkit.Spawn(loop, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
			if !started {
				go l.Set() // a new goroutine, on this P
				started = true
			}
			return l.Poll(cx)
		}))
		if _, err := loopkit.Await(t, done); err != nil {
			t.Fatalf("round %d: task = %v", i, err)
		}
	}
}

func TestTimersAndStopWithOneProc(t *testing.T) {
	oneProc(t)
	// Timers shorter than, about, and longer than the loop's epoll_wait
	// phase each fire, one after the other.
	sleeps := []time.Duration{0, 300 * time.Microsecond, time.Millisecond, 1500 * time.Microsecond, 4 * time.Millisecond}
	loop := loopkit.NewLoop(t)
	i := 0
	var cur future.Future[struct{}]
	if _, err := loopkit.BlockOn(t, loop, future.PollFn(func(cx *future.Context) future.Poll[int] {
		for i < len(sleeps) {
			if cur == nil {
				cur = driver.Sleep(sleeps[i])
			}
			if cur.Poll(cx).IsPending() {
				return future.Pending[int]()
			}
			cur = nil
			i++
		}
		return future.Ok(i)
	}), loopkit.Timeout); err != nil {
		t.Fatalf("BlockOn(sleeps) = %v", err)
	}

	// Stop from another goroutine ends an idle loop, whichever phase of its
	// wait it is in.
	for _, pause := range wakePauses {
		l, err := driver.New(loopkit.Config(t))
		if err != nil {
			t.Fatalf("driver.New() = %v", err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := driver.BlockOn(l, future.Never[struct{}]())
			done <- err
		}()
		time.Sleep(pause)
		l.Stop()
		select {
		case err := <-done:
			if !errors.Is(err, driver.ErrStopped) {
				t.Errorf("after Stop, BlockOn = %v; want ErrStopped", err)
			}
		case <-time.After(loopkit.Timeout):
			t.Fatalf("Stop after %v did not end the loop within %v", pause, loopkit.Timeout)
		}
		if err := l.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	}
}
