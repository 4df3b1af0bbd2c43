package timer_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/semaphore"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/stream"
	"github.com/eddyio/eddy/timer"
)

// fireRec is the waker of one timer of TestTimers100kFireOnceInDeadlineOrder:
// the loop calls it when the wheel fires the timer.
type fireRec struct {
	i     int
	fired *[]int
	early *int
	dl    time.Time
	root  future.Waker
}

func (r *fireRec) Wake() {
	if time.Now().Before(r.dl) {
		*r.early++
	}
	*r.fired = append(*r.fired, r.i)
	r.root.Wake()
}

// TestTimers100kFireOnceInDeadlineOrder arms 100,000 timers with random
// deadlines on one loop and checks that each fires once, none early, in
// deadline order: the order in which the loop calls their wakers. The
// deadlines are whole milliseconds after a common instant two seconds ahead
// (many share one), so that deadline order is defined at the wheel's
// resolution and every timer is armed before its deadline.
func TestTimers100kFireOnceInDeadlineOrder(t *testing.T) {
	const n = 100_000
	l := loopkit.NewLoop(t)
	rng := rand.New(rand.NewPCG(5, 6))
	var (
		delays  []*timer.Delay
		recs    []*fireRec
		fired   []int
		early   int
		start   time.Time
		armedAt time.Time
	)
	root := future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		if delays == nil {
			// Everything but arming first, so that arming (fast) starts
			// right before the head start is measured from.
			cxs := make([]*future.Context, n)
			for i := range n {
				r := &fireRec{i: i, fired: &fired, early: &early, root: cx.Waker()}
				recs, cxs[i] = append(recs, r), cx.WithWaker(r)
			}
			start = time.Now().Add(2 * time.Second)
			for i, r := range recs {
				r.dl = start.Add(time.Duration(rng.IntN(1000)) * time.Millisecond)
				d := timer.SleepUntil(r.dl)
				if p := d.Poll(cxs[i]); !p.IsPending() {
					return future.Fail[struct{}](fmt.Errorf("timer %d is ready when armed: the head start is too short", i))
				}
				delays = append(delays, d)
			}
			armedAt = time.Now()
		}
		cx.Waker()
		if len(fired) < n {
			return future.Pending[struct{}]()
		}
		return future.Ok(struct{}{})
	})
	if _, err := loopkit.BlockOn(t, l, root, 60*time.Second); err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	if armedAt.After(start) {
		t.Fatalf("arming took until %v after the first deadline: the head start is too short", armedAt.Sub(start))
	}
	if len(fired) != n || early != 0 {
		t.Fatalf("%d wakes for %d timers, %d early; want %d, 0", len(fired), n, early, n)
	}
	seen := make([]bool, n)
	for k, i := range fired {
		if seen[i] {
			t.Fatalf("timer %d fired twice", i)
		}
		seen[i] = true
		if k > 0 {
			if a, b := recs[fired[k-1]].dl, recs[i].dl; b.Before(a) {
				t.Fatalf("timer %d (deadline +%v) fired after timer %d (deadline +%v)", i, b.Sub(start), fired[k-1], a.Sub(start))
			}
		}
	}
	if got := timer.TimersArmed(l); got != 0 {
		t.Errorf("TimersArmed() = %d after every timer fired; want 0", got)
	}
	// Each Delay is ready now, once.
	loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		for i, d := range delays {
			if p := d.Poll(cx); !p.IsReady() || p.Err() != nil {
				t.Fatalf("timer %d after firing: ready %v, %v; want ready", i, p.IsReady(), p.Err())
			}
		}
		return future.Ok(struct{}{})
	}))
}

// TestTimeout100kReadsLeaveNoTimer wraps 100,000 socket reads in Timeout;
// each read waits (its timer armed), then completes first, and the timer
// leaves the wheel at once.
func TestTimeout100kReadsLeaveNoTimer(t *testing.T) {
	const n = 100_000
	l := loopkit.CheckedLoop(t)
	a, b, err := socket.UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	buf, one := make([]byte, 1), []byte{'x'}
	var cur future.Future[int]
	done, waited := 0, 0
	f := future.PollFn(func(cx *future.Context) future.Poll[int] {
		for {
			if cur == nil {
				if done == n {
					return future.Ok(done)
				}
				cur = timer.Timeout(aio.Read(a, buf), time.Minute)
				if p := cur.Poll(cx); p.IsReady() {
					return future.Fail[int](fmt.Errorf("read %d: ready before any write: %v", done, p.Err()))
				}
				if got := timer.TimersArmed(l); got != 1 {
					return future.Fail[int](fmt.Errorf("read %d waits with %d timers armed; want 1", done, got))
				}
				waited++
				if p := b.PollWrite(cx, one); p.IsPending() || p.Err() != nil {
					return future.Fail[int](fmt.Errorf("write: pending %v, %v", p.IsPending(), p.Err()))
				}
				return future.Pending[int]()
			}
			p := cur.Poll(cx)
			if p.IsPending() {
				return future.Pending[int]()
			}
			if p.Err() != nil {
				return future.Fail[int](p.Err())
			}
			if got := timer.TimersArmed(l); got != 0 {
				return future.Fail[int](fmt.Errorf("read %d completed with %d timers left armed; want 0", done, got))
			}
			cur = nil
			done++
		}
	})
	got, err := loopkit.BlockOn(t, l, f, 120*time.Second)
	if err != nil || got != n || waited != n {
		t.Fatalf("BlockOn() = %d, %v after %d waits; want %d reads, each waited", got, err, waited, n)
	}
	if armed := timer.TimersArmed(l); armed != 0 {
		t.Errorf("TimersArmed() = %d after %d reads; want 0", armed, n)
	}
}

// stuck is a future that never completes and records being abandoned.
type stuck struct{ abandoned int }

func (s *stuck) Poll(cx *future.Context) future.Poll[int] {
	cx.Waker()
	return future.Pending[int]()
}

func (s *stuck) Abandon() { s.abandoned++ }

func TestTimeoutFiresAndAbandonsInner(t *testing.T) {
	l := loopkit.NewLoop(t)
	inner := &stuck{}
	start := time.Now()
	_, err := loopkit.Block(t, l, timer.Timeout[int](inner, 20*time.Millisecond))
	if elapsed := time.Since(start); elapsed < 20*time.Millisecond {
		t.Errorf("Timeout(20ms) fired after %v: early", elapsed)
	}
	if !errors.Is(err, timer.ErrTimeout) {
		t.Fatalf("err = %v; want ErrTimeout", err)
	}
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() {
		t.Errorf("err %v has no Timeout() true", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "*timer_test.stuck") || !strings.Contains(msg, "20ms") {
		t.Errorf("err = %q; want it to name the future and the time", msg)
	}
	if inner.abandoned != 1 {
		t.Errorf("inner future abandoned %d times; want 1", inner.abandoned)
	}
	if got := timer.TimersArmed(l); got != 0 {
		t.Errorf("TimersArmed() = %d after the timeout; want 0", got)
	}
}

// TestTimeoutLeavesSemaphoreWhole: an acquire that times out leaves the
// semaphore's queue; no Cancel is called.
func TestTimeoutLeavesSemaphoreWhole(t *testing.T) {
	l := loopkit.NewLoop(t)
	sem := semaphore.New(1)
	held, _ := sem.TryAcquire(1)
	_, err := loopkit.Block(t, l, timer.Timeout[*semaphore.Permit](sem.Acquire(1), 5*time.Millisecond))
	if !errors.Is(err, timer.ErrTimeout) {
		t.Fatalf("err = %v; want ErrTimeout", err)
	}
	held.Release()
	if got := sem.Available(); got != 1 {
		t.Errorf("Available() = %d; want 1 (the timed-out request left the queue)", got)
	}
}

func TestTimeoutInnerFirst(t *testing.T) {
	l := loopkit.NewLoop(t)
	v, err := loopkit.Block(t, l, timer.Timeout(combinators.Map(timer.Sleep(5*time.Millisecond), func(struct{}) int { return 7 }), time.Hour))
	if v != 7 || err != nil {
		t.Fatalf("Timeout(5ms sleep, 1h) = %d, %v; want 7, nil", v, err)
	}
	if got := timer.TimersArmed(l); got != 0 {
		t.Errorf("TimersArmed() = %d; want 0", got)
	}
}

func TestDeadline(t *testing.T) {
	l := loopkit.NewLoop(t)
	_, err := loopkit.Block(t, l, timer.Deadline[int](&stuck{}, time.Now().Add(-time.Second)))
	if !errors.Is(err, timer.ErrTimeout) {
		t.Errorf("Deadline in the past over a pending future = %v; want ErrTimeout", err)
	}
	v, err := loopkit.Block(t, l, timer.Deadline(future.Ready(3), time.Now().Add(-time.Second)))
	if v != 3 || err != nil {
		t.Errorf("Deadline in the past over a ready future = %d, %v; want 3, nil (the future is polled first)", v, err)
	}
}

func TestSleepNotEarlyAndOnce(t *testing.T) {
	l := loopkit.NewLoop(t)
	for _, d := range []time.Duration{0, time.Microsecond, time.Millisecond, 1500 * time.Microsecond, 15 * time.Millisecond} {
		s := timer.Sleep(d)
		start := time.Now()
		if _, err := loopkit.Block(t, l, s); err != nil {
			t.Fatalf("Sleep(%v) = %v", d, err)
		}
		if elapsed := time.Since(start); elapsed < d {
			t.Errorf("Sleep(%v) completed after %v: early", d, elapsed)
		}
		if _, err := loopkit.Block(t, l, s); !errors.Is(err, future.ErrPolledAfterCompletion) {
			t.Errorf("Sleep polled after completion = %v; want ErrPolledAfterCompletion", err)
		}
	}
}

func TestDelayResetAllocatesNothing(t *testing.T) {
	l := loopkit.NewLoop(t)
	var d timer.Delay // the zero Delay, embedded as a connection would
	var allocs float64
	loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		d.Reset(time.Hour)
		d.Poll(cx) // armed
		allocs = testing.AllocsPerRun(1000, func() {
			d.Reset(time.Hour) // moved in the wheel
			d.Poll(cx)
		})
		future.Abandon(&d)
		return future.Ok(struct{}{})
	}))
	if allocs != 0 {
		t.Errorf("Reset and Poll of an armed Delay: %v allocations; want 0", allocs)
	}
	if got := timer.TimersArmed(l); got != 0 {
		t.Errorf("TimersArmed() = %d after Abandon; want 0", got)
	}
}

func TestDelayResetAfterCompletion(t *testing.T) {
	l := loopkit.NewLoop(t)
	d := timer.Sleep(0)
	loopkit.Block(t, l, d)
	d.Reset(10 * time.Millisecond)
	start := time.Now()
	if _, err := loopkit.Block(t, l, d); err != nil {
		t.Fatalf("reset Delay = %v", err)
	}
	if elapsed := time.Since(start); elapsed < 10*time.Millisecond {
		t.Errorf("Delay reset to 10ms completed after %v: early", elapsed)
	}
	dl, ok := d.Deadline()
	if !ok || time.Now().Before(dl) {
		t.Errorf("Deadline() = %v, %v; want a passed deadline", dl, ok)
	}
}

func TestTimerOutsideDriver(t *testing.T) {
	cx := future.NewContext(nil, nil)
	if p := timer.Sleep(time.Millisecond).Poll(cx); !errors.Is(p.Err(), future.ErrNoDriver) {
		t.Errorf("Sleep outside a driver = %v; want ErrNoDriver", p.Err())
	}
	if p := timer.NewInterval(time.Millisecond).PollNext(cx); !errors.Is(p.Err(), future.ErrNoDriver) {
		t.Errorf("Interval outside a driver = %v; want ErrNoDriver", p.Err())
	}
	if p := timer.Timeout[int](&stuck{}, time.Millisecond).Poll(cx); !errors.Is(p.Err(), future.ErrNoDriver) {
		t.Errorf("Timeout outside a driver = %v; want ErrNoDriver", p.Err())
	}
}

func TestTimerWrongLoop(t *testing.T) {
	l1, l2 := loopkit.NewLoop(t), loopkit.NewLoop(t)
	d := timer.Sleep(time.Hour)
	loopkit.Block(t, l1, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		d.Poll(cx)
		return future.Ok(struct{}{})
	}))
	if _, err := loopkit.Block(t, l2, d); !errors.Is(err, driver.ErrWrongLoop) {
		t.Errorf("Delay armed on one loop polled from another = %v; want ErrWrongLoop", err)
	}
	future.Abandon(d) // on l1's goroutine's behalf: l1 is not running
}

// pollTicks polls iv n times, spaced by the loop, and returns the ticks.
func collectTicks(t *testing.T, l *driver.Loop, iv *timer.Interval, n int, beforeFirst time.Duration) []time.Time {
	t.Helper()
	var ticks []time.Time
	slept := false
	loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		for len(ticks) < n {
			p := iv.PollNext(cx)
			if p.IsPending() {
				if !slept && len(ticks) == 1 && beforeFirst > 0 {
					// Block the loop: the ticks in between are missed.
					slept = true
					time.Sleep(beforeFirst)
					continue
				}
				return future.Pending[struct{}]()
			}
			if p.Err() != nil {
				t.Fatalf("Interval: %v", p.Err())
			}
			if now := time.Now(); now.Before(p.Value()) {
				t.Errorf("tick for %v came at %v: early", p.Value(), now)
			}
			ticks = append(ticks, p.Value())
		}
		future.Abandon(iv)
		return future.Ok(struct{}{})
	}))
	return ticks
}

func TestIntervalMissedTicks(t *testing.T) {
	const p = 20 * time.Millisecond
	l := loopkit.NewLoop(t)
	t.Run("burst", func(t *testing.T) {
		iv := timer.NewInterval(p)
		ticks := collectTicks(t, l, iv, 4, 3*p+p/2)
		for k := 1; k < len(ticks); k++ {
			if got := ticks[k].Sub(ticks[k-1]); got != p {
				t.Errorf("burst: tick %d is %v after the one before; want %v (every tick, on schedule)", k, got, p)
			}
		}
	})
	t.Run("delay", func(t *testing.T) {
		iv := timer.NewInterval(p)
		iv.SetMissedTickBehavior(timer.MissedTickDelay)
		ticks := collectTicks(t, l, iv, 3, 3*p+p/2)
		if got := ticks[1].Sub(ticks[0]); got < p {
			t.Errorf("delay: second tick %v after the first; want at least %v", got, p)
		}
		if got := ticks[2].Sub(ticks[1]); got < 3*p+p/2 {
			t.Errorf("delay: third tick %v after the second; want at least the delay plus a period", got)
		}
	})
	t.Run("skip", func(t *testing.T) {
		iv := timer.NewInterval(p)
		iv.SetMissedTickBehavior(timer.MissedTickSkip)
		ticks := collectTicks(t, l, iv, 3, 3*p+p/2)
		gap := ticks[2].Sub(ticks[1])
		if gap < 3*p || gap%p != 0 {
			t.Errorf("skip: third tick %v after the second; want a whole number of periods, past the missed ones", gap)
		}
	})
	if got := timer.TimersArmed(l); got != 0 {
		t.Errorf("TimersArmed() = %d after the intervals were abandoned; want 0", got)
	}
}

func TestTimeoutStream(t *testing.T) {
	l := loopkit.NewLoop(t)
	// Items every 5ms, a 200ms idle limit: no timeout.
	ts := timer.TimeoutStream(combinators.Take(timer.NewInterval(5*time.Millisecond), 5), 200*time.Millisecond)
	n, err := loopkit.Block(t, l, combinators.Fold(ts, 0, func(n int, _ time.Time) future.Future[int] { return future.Ready(n + 1) }))
	if n != 5 || err != nil {
		t.Errorf("5 items 5ms apart under a 200ms idle limit: %d, %v; want 5, nil", n, err)
	}
	// Nothing comes: an item error, and the stream goes on.
	src := testkit.NewStream[int]()
	never := stream.Stream[int](&neverStream{src: src})
	ts2 := timer.TimeoutStream(never, 10*time.Millisecond)
	var got []error
	start := time.Now()
	loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		for len(got) < 2 {
			p := ts2.PollNext(cx)
			if p.IsPending() {
				return future.Pending[struct{}]()
			}
			got = append(got, p.Err())
		}
		future.Abandon(ts2)
		return future.Ok(struct{}{})
	}))
	if elapsed := time.Since(start); elapsed < 20*time.Millisecond {
		t.Errorf("two idle timeouts of 10ms after %v: early", elapsed)
	}
	for _, err := range got {
		if !errors.Is(err, timer.ErrTimeout) || !strings.Contains(err.Error(), "next item of") {
			t.Errorf("idle item error = %v; want a TimeoutError for the next item", err)
		}
	}
	if src.Abandoned != 1 || timer.TimersArmed(l) != 0 {
		t.Errorf("after Abandon: source Abandoned = %d, TimersArmed() = %d; want 1, 0", src.Abandoned, timer.TimersArmed(l))
	}
}

// neverStream is pending forever, and passes Abandon to src.
type neverStream struct{ src *testkit.ScriptStream[int] }

func (s *neverStream) PollNext(cx *future.Context) stream.Poll[int] {
	cx.Waker()
	return stream.Pending[int]()
}

func (s *neverStream) Abandon() { s.src.Abandon() }
