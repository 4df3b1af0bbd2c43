package driver_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

func TestSleepLastsAtLeastD(t *testing.T) {
	tests := []struct {
		name string
		d    time.Duration
	}{
		{name: "zero", d: 0},
		{name: "negative", d: -time.Second},
		{name: "1µs", d: time.Microsecond},
		{name: "1ms", d: time.Millisecond},
		{name: "15ms", d: 15 * time.Millisecond},
		{name: "50ms", d: 50 * time.Millisecond},
	}
	l := newLoop(t, driver.Config{DetectStalls: true})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			if _, err := loopkit.Block(t, l, driver.Sleep(tc.d)); err != nil {
				t.Fatalf("BlockOn(Sleep(%v)) = %v; want nil", tc.d, err)
			}
			if elapsed := time.Since(start); elapsed < tc.d {
				t.Errorf("Sleep(%v) completed after %v; want at least %v", tc.d, elapsed, tc.d)
			}
		})
	}
}

func TestSleepIsLazy(t *testing.T) {
	l := newLoop(t, driver.Config{})
	s := driver.Sleep(30 * time.Millisecond)
	time.Sleep(40 * time.Millisecond) // the timer starts at the first poll, not here
	var polls int
	start := time.Now()
	loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		polls++
		return s.Poll(cx)
	}))
	if elapsed := time.Since(start); elapsed < 30*time.Millisecond || polls < 2 {
		t.Errorf("Sleep built 40ms before its first poll completed after %v and %d polls; want at least 30ms and 2 polls", elapsed, polls)
	}
}

func TestSleepOutsideADriver(t *testing.T) {
	p := driver.Sleep(time.Millisecond).Poll(future.NewContext(nil, nil))
	if !p.IsReady() || !errors.Is(p.Err(), future.ErrNoDriver) {
		t.Errorf("Sleep().Poll() outside a driver = %v, %v; want ready with ErrNoDriver", p.IsReady(), p.Err())
	}
}

func TestSleepPolledAfterCompletion(t *testing.T) {
	l := newLoop(t, driver.Config{})
	s := driver.Sleep(0)
	var second error
	loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		if p := s.Poll(cx); p.IsPending() || p.Err() != nil {
			return p
		}
		second = s.Poll(cx).Err()
		return future.Ok(struct{}{})
	}))
	if !errors.Is(second, future.ErrPolledAfterCompletion) {
		t.Errorf("Sleep polled after completion = %v; want ErrPolledAfterCompletion", second)
	}
}

func TestTimersFireInDeadlineOrder(t *testing.T) {
	l := newLoop(t, driver.Config{DetectStalls: true})
	var order []int // loop goroutine only
	all := &latch{}
	ms := []int{40, 10, 30, 1, 20, 50}
	var spawns []future.Future[struct{}]
	for _, m := range ms {
		spawns = append(spawns, driver.Spawn(&then{f: driver.Sleep(time.Duration(m) * time.Millisecond), fn: func() {
			order = append(order, m)
			if len(order) == len(ms) {
				all.Set()
			}
		}}))
	}
	if _, err := loopkit.Block(t, l, seqOf(append(spawns, all)...)); err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	if d := cmp.Diff([]int{1, 10, 20, 30, 40, 50}, order); d != "" {
		t.Errorf("timers completed out of deadline order (-want +got):\n%s", d)
	}
}

// TestSleepingLoopBlocksInPoller: a loop whose only work is a timer waits
// in the poller until the deadline instead of spinning.
func TestSleepingLoopBlocksInPoller(t *testing.T) {
	l := newLoop(t, driver.Config{DetectStalls: true})
	before := driver.Waits(l)
	loopkit.Block(t, l, driver.Sleep(100*time.Millisecond))
	if waits := driver.Waits(l) - before; waits > 5 {
		t.Errorf("a 100ms Sleep cost %d waits on the poller; want at most 5 (the loop should block, not spin)", waits)
	}
}

// TestTimerRepolledBeforeDeadline: a sleep polled again before it fires
// (its task woken by something else) still fires once, on time.
func TestTimerRepolledBeforeDeadline(t *testing.T) {
	l := newLoop(t, driver.Config{DetectStalls: true})
	s := driver.Sleep(20 * time.Millisecond)
	polls := 0
	start := time.Now()
	loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		polls++
		p := s.Poll(cx)
		if p.IsPending() && polls < 50 {
			cx.Waker().Wake() // something else wakes the task meanwhile
		}
		return p
	}))
	if elapsed := time.Since(start); elapsed < 20*time.Millisecond || polls < 50 {
		t.Errorf("Sleep(20ms) re-polled %d times completed after %v; want at least 50 polls and 20ms", polls, elapsed)
	}
	// The loop is idle again: a later BlockOn is not disturbed by the timer.
	if v, err := loopkit.Block(t, l, future.Ready(1)); v != 1 || err != nil {
		t.Errorf("BlockOn() = %d, %v; want 1, nil", v, err)
	}
}
