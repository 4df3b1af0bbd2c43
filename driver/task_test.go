package driver_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// rounds is a future that, on each poll, hands its waker to 100 goroutines
// that all wake it at once, until it has been polled n times. A wake-up lost
// among the concurrent ones hangs it (and loopkit.Block fails the test).
type rounds struct {
	n, polls int
	wg       sync.WaitGroup
}

func (r *rounds) Poll(cx *future.Context) future.Poll[int] {
	r.polls++
	if r.polls > r.n {
		return future.Ok(r.polls)
	}
	w := cx.Waker()
	start := make(chan struct{})
	for range 100 {
		r.wg.Go(func() {
			<-start
			w.Wake()
		})
	}
	close(start)
	return future.Pending[int]()
}

func TestConcurrentWakesAreNeverLost(t *testing.T) {
	l := newLoop(t, driver.Config{DetectStalls: true})
	r := &rounds{n: 200}
	v, err := loopkit.Block(t, l, r)
	r.wg.Wait()
	if v != 201 || err != nil {
		t.Errorf("BlockOn() = %d, %v; want 201, nil", v, err)
	}
}

// idleTask records the waker of each poll and completes once done is set.
type idleTask struct {
	mu    sync.Mutex
	polls int
	waker future.Waker
	done  bool
}

func (r *idleTask) Poll(cx *future.Context) future.Poll[int] {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.polls++
	if r.done {
		return future.Ok(r.polls)
	}
	r.waker = cx.Waker()
	return future.Pending[int]()
}

func (r *idleTask) state() (int, future.Waker) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.polls, r.waker
}

// TestConcurrentWakesOfAnIdleTask: 100 goroutines wake a parked task at
// once, round after round; every round polls it again.
func TestConcurrentWakesOfAnIdleTask(t *testing.T) {
	l := newLoop(t, driver.Config{DetectStalls: true})
	r := &idleTask{}
	const n = 50
	var wg sync.WaitGroup
	wg.Go(func() {
		defer func() {
			r.mu.Lock()
			r.done = true
			w := r.waker
			r.mu.Unlock()
			w.Wake()
		}()
		for round := range n {
			waitSleeping(l) // the task is parked: the wakes race for idle→scheduled
			before, w := r.state()
			var inner sync.WaitGroup
			start := make(chan struct{})
			for range 100 {
				inner.Go(func() {
					<-start
					w.Wake()
				})
			}
			close(start)
			inner.Wait()
			deadline := time.Now().Add(loopkit.Timeout)
			for polls, _ := r.state(); polls == before; polls, _ = r.state() {
				if time.Now().After(deadline) {
					t.Errorf("round %d: task not polled within %v of 100 wakes; want at least one poll", round, loopkit.Timeout)
					return
				}
				time.Sleep(time.Millisecond)
			}
		}
	})
	v, err := loopkit.Block(t, l, r)
	wg.Wait()
	if err != nil || v < n+2 {
		t.Errorf("BlockOn() = %d, %v; want at least %d polls, nil", v, err, n+2)
	}
}

// selfWake wakes its own task during each poll (the task is running) and
// answers pending, n times.
type selfWake struct{ n, polls int }

func (s *selfWake) Poll(cx *future.Context) future.Poll[int] {
	s.polls++
	if s.polls > s.n {
		return future.Ok(s.polls)
	}
	w := cx.Waker()
	w.Wake()
	w.Wake() // a second wake while running changes nothing
	return future.Pending[int]()
}

func TestTaskWokenWhileRunningIsPolledAgain(t *testing.T) {
	tests := []struct {
		name  string
		spawn bool
	}{
		{name: "root"},
		{name: "spawned", spawn: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLoop(t, driver.Config{DetectStalls: true})
			s := &selfWake{n: 10}
			if tc.spawn {
				done := &latch{}
				l.Spawn(&then{f: futureOf(s), fn: done.Set})
				loopkit.Block(t, l, done)
			} else {
				loopkit.Block(t, l, s)
			}
			if s.polls != 11 {
				t.Errorf("polls = %d; want 11 (each self-wake polls it once more)", s.polls)
			}
		})
	}
}

// futureOf drops the value of an int future.
func futureOf(f future.Future[int]) future.Future[struct{}] {
	return future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		p := f.Poll(cx)
		if p.IsPending() {
			return future.Pending[struct{}]()
		}
		return future.Fail[struct{}](p.Err())
	})
}

type panicker struct{ value any }

func (p panicker) Poll(*future.Context) future.Poll[struct{}] { panic(p.value) }

func TestPanickingSpawnedTaskIsReported(t *testing.T) {
	rec := &logRecorder{}
	l := newLoop(t, driver.Config{Logf: rec.Logf})
	after := &latch{}
	root := seqOf(
		driver.Spawn(panicker{value: "kaboom"}),
		driver.Spawn(&then{f: yields(3), fn: after.Set}),
		after,
	)
	if _, err := loopkit.Block(t, l, root); err != nil {
		t.Fatalf("BlockOn() = %v; want nil (the panic ends only its task)", err)
	}
	pe, ok := firstArg[*future.PanicError](rec)
	if !ok {
		t.Fatalf("Logf got %q; want a *PanicError argument", rec.lines())
	}
	if pe.Future != "driver_test.panicker" || pe.Value != "kaboom" || !strings.Contains(string(pe.Stack), "panicker.Poll") {
		t.Errorf("PanicError = {Future: %q, Value: %v, Stack has panicker.Poll: %v}; want {driver_test.panicker, kaboom, true}",
			pe.Future, pe.Value, strings.Contains(string(pe.Stack), "panicker.Poll"))
	}
	if want := "future: driver_test.panicker panicked: kaboom"; pe.Error() != want {
		t.Errorf("Error() = %q; want %q", pe.Error(), want)
	}
	// The loop goes on.
	if v, err := loopkit.Block(t, l, future.Ready(7)); v != 7 || err != nil {
		t.Errorf("BlockOn() after the panic = %d, %v; want 7, nil", v, err)
	}
}

func TestPanickingRoot(t *testing.T) {
	rec := &logRecorder{}
	l := newLoop(t, driver.Config{Logf: rec.Logf})
	_, err := loopkit.Block(t, l, panicker{value: errBoom})
	var pe *future.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("BlockOn(panicker) = %v; want a *PanicError", err)
	}
	if pe.Future != "driver_test.panicker" || pe.Value != errBoom {
		t.Errorf("PanicError = {Future: %q, Value: %v}; want {driver_test.panicker, boom}", pe.Future, pe.Value)
	}
	if !errors.Is(err, errBoom) {
		t.Errorf("errors.Is(%v, errBoom) = false; want true (Unwrap returns an error value)", err)
	}
	if lines := rec.lines(); len(lines) != 0 {
		t.Errorf("Logf got %q; want nothing (BlockOn returns the root's panic)", lines)
	}
	if v, err := loopkit.Block(t, l, future.Ready(1)); v != 1 || err != nil {
		t.Errorf("BlockOn() after a panicking root = %d, %v; want 1, nil", v, err)
	}
}

func TestFailingSpawnedTaskIsLogged(t *testing.T) {
	rec := &logRecorder{}
	l := newLoop(t, driver.Config{Logf: rec.Logf})
	failed := &then{f: future.Failed[struct{}](errBoom), fn: func() {}}
	done := &latch{}
	root := seqOf(driver.Spawn(failed), driver.Spawn(&then{f: future.Done(), fn: done.Set}), done)
	if _, err := loopkit.Block(t, l, root); err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	lines := rec.lines()
	if want := "driver: task *driver_test.then failed: boom"; len(lines) != 1 || lines[0] != want {
		t.Errorf("Logf got %q; want [%q]", lines, want)
	}
}

func TestStopFromAnotherGoroutine(t *testing.T) {
	l := newLoop(t, driver.Config{})
	var wg sync.WaitGroup
	wg.Go(func() {
		waitSleeping(l)
		l.Stop()
	})
	_, err := driver.BlockOn(l, future.Never[int]())
	wg.Wait()
	if !errors.Is(err, driver.ErrStopped) {
		t.Fatalf("BlockOn(Never) = %v; want ErrStopped", err)
	}
	// The stop is consumed: the loop runs again.
	if v, err := loopkit.Block(t, l, future.Ready(2)); v != 2 || err != nil {
		t.Errorf("BlockOn() after Stop = %d, %v; want 2, nil", v, err)
	}
}

func TestStopBeforeBlockOn(t *testing.T) {
	l := newLoop(t, driver.Config{})
	l.Stop()
	l.Stop()
	if _, err := driver.BlockOn(l, future.Never[int]()); !errors.Is(err, driver.ErrStopped) {
		t.Errorf("BlockOn() after Stop = %v; want ErrStopped", err)
	}
}

// TestStoppedRootIsNotPolledAgain: a root stopped while it is scheduled is
// cancelled, and a later BlockOn does not poll it.
func TestStoppedRootIsNotPolledAgain(t *testing.T) {
	rec := &logRecorder{}
	l := newLoop(t, driver.Config{Logf: rec.Logf})
	polls := 0
	root := future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		polls++
		if polls == 3 {
			l.Stop()
		}
		cx.Waker().Wake() // always scheduled again
		return future.Pending[struct{}]()
	})
	if _, err := driver.BlockOn(l, root); !errors.Is(err, driver.ErrStopped) {
		t.Fatalf("BlockOn() = %v; want ErrStopped", err)
	}
	before := polls
	if _, err := loopkit.Block(t, l, yields(3)); err != nil {
		t.Fatalf("second BlockOn() = %v", err)
	}
	if polls != before {
		t.Errorf("stopped root polled %d more times by the next BlockOn; want 0", polls-before)
	}
	if lines := rec.lines(); len(lines) != 0 {
		t.Errorf("Logf got %q; want nothing", lines)
	}
}

// TestTaskSize keeps a task (its future, its loop, its scheduling state and
// its place among the live tasks) in the 32-byte size class: an idle
// connection pays for one.
func TestTaskSize(t *testing.T) {
	if driver.TaskSize > 32 {
		t.Errorf("a task is %d bytes; want at most 32", driver.TaskSize)
	}
}
