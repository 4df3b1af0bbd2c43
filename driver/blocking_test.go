package driver_test

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// untilTrue polls cond, yielding to the loop's other work between tries, and
// is ready once cond holds. It fails after a bounded number of tries.
func untilTrue(cond func() bool) future.Future[struct{}] {
	deadline := time.Now().Add(loopkit.Timeout)
	return future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		if cond() {
			return future.Ok(struct{}{})
		}
		if time.Now().After(deadline) {
			return future.Fail[struct{}](errors.New("condition not met in time"))
		}
		time.Sleep(100 * time.Microsecond)
		cx.Waker().Wake()
		return future.Pending[struct{}]()
	})
}

func TestSpawnBlockingIsLazy(t *testing.T) {
	var calls atomic.Int32
	f := driver.SpawnBlocking(func() (int, error) { calls.Add(1); return 42, nil })
	if calls.Load() != 0 {
		t.Fatal("SpawnBlocking ran fn before the future was polled")
	}
	l := loopkit.NewLoop(t)
	if got := l.BlockingStats(); got.Threads != 0 {
		t.Fatalf("BlockingStats before any poll = %+v; want no goroutine", got)
	}
	v, err := loopkit.Block(t, l, f)
	if v != 42 || err != nil || calls.Load() != 1 {
		t.Fatalf("SpawnBlocking = %v, %v after %d calls; want 42, nil after 1", v, err, calls.Load())
	}
	if p := f.Poll(future.NewContext(nil, l)); !errors.Is(p.Err(), future.ErrPolledAfterCompletion) {
		t.Errorf("second poll = %s; want ErrPolledAfterCompletion", testkit.Describe(p))
	}
}

// TestSpawnBlockingDoesNotHoldTheLoop blocks fn until another task of the
// same loop releases it: the loop must go on polling while fn blocks.
func TestSpawnBlockingDoesNotHoldTheLoop(t *testing.T) {
	gate := make(chan struct{})
	blocked := driver.SpawnBlocking(func() (string, error) { <-gate; return "released", nil })
	release := future.Lazy(func() (string, error) { close(gate); return "", nil })
	both, err := loopkit.Run(t, combinators.Join(blocked, release))
	if err != nil || both.First != "released" {
		t.Fatalf("Join = %+v, %v; want released", both, err)
	}
}

func TestSpawnBlockingErrorAndPanic(t *testing.T) {
	boom := errors.New("boom")
	_, err := loopkit.Run(t, driver.SpawnBlocking(func() (int, error) { return 0, boom }))
	if !errors.Is(err, boom) {
		t.Errorf("error = %v; want boom", err)
	}
	_, err = loopkit.Run(t, driver.SpawnBlocking(func() (int, error) { panic(boom) }))
	var pe *future.PanicError
	if !errors.As(err, &pe) || !errors.Is(err, boom) {
		t.Errorf("panic = %v; want a *future.PanicError wrapping boom", err)
	}
}

func TestSpawnBlockingNoDriver(t *testing.T) {
	cx, _ := testkit.NewContext()
	p := driver.SpawnBlocking(func() (int, error) { return 1, nil }).Poll(cx)
	if !errors.Is(p.Err(), future.ErrNoDriver) {
		t.Errorf("poll outside a loop = %s; want ErrNoDriver", testkit.Describe(p))
	}
}

// TestSpawnBlockingPoolBound fills a pool of 2 goroutines and a queue of 1:
// the fourth and fifth futures wait for a slot, and get one in order.
func TestSpawnBlockingPoolBound(t *testing.T) {
	leaktest.Goroutines(t)
	cfg := loopkit.Config(t)
	cfg.BlockingThreads, cfg.BlockingQueue = 2, 1
	l, err := driver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	gate := make(chan struct{})
	var mu sync.Mutex
	var order []int
	jobs := make([]future.Future[int], 5)
	for i := range jobs {
		jobs[i] = driver.SpawnBlocking(func() (int, error) {
			<-gate
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			return i, nil
		})
	}
	var stats driver.BlockingStats
	full := untilTrue(func() bool {
		stats = l.BlockingStats()
		return stats.Running == 2 && stats.Queued == 1 && stats.Waiting == 2
	})
	// JoinAll polls the five jobs in order, so they queue in order; the
	// second half checks the pool while they wait, then releases them.
	got, err := loopkit.Block(t, l, combinators.Join(combinators.JoinAll(jobs), combinators.AndThen(full, func(struct{}) future.Future[struct{}] {
		if stats.Threads != 2 {
			t.Errorf("BlockingStats = %+v; want 2 goroutines", stats)
		}
		close(gate)
		return future.Done()
	})))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 1, 2, 3, 4}; !slices.Equal(got.First, want) {
		t.Errorf("results = %v; want %v", got.First, want)
	}
	mu.Lock()
	if len(order) != 5 {
		t.Errorf("%d functions ran; want 5", len(order))
	}
	mu.Unlock()
	// The last worker counts its function after it woke the task.
	if _, err := loopkit.Block(t, l, untilTrue(func() bool { return l.BlockingStats().Running == 0 })); err != nil {
		t.Fatal(err)
	}
	if s := l.BlockingStats(); s.Completed != 5 || s.Queued != 0 || s.Waiting != 0 {
		t.Errorf("BlockingStats after = %+v; want 5 completed, nothing queued or waiting", s)
	}
}

// TestSpawnBlockingCloseStopsThePool closes a loop while one function runs
// and another is queued: Close waits for the first, drops the second, and
// no goroutine of the pool is left.
func TestSpawnBlockingCloseStopsThePool(t *testing.T) {
	leaktest.Goroutines(t)
	cfg := loopkit.Config(t)
	cfg.BlockingThreads, cfg.BlockingQueue = 1, 4
	l, err := driver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	var secondRan atomic.Bool
	var firstDone atomic.Bool
	l.Spawn(combinators.Discard(driver.SpawnBlocking(func() (int, error) { <-gate; firstDone.Store(true); return 1, nil })))
	l.Spawn(combinators.Discard(driver.SpawnBlocking(func() (int, error) { secondRan.Store(true); return 2, nil })))
	if _, err := loopkit.Block(t, l, untilTrue(func() bool {
		s := l.BlockingStats()
		return s.Running == 1 && s.Queued == 1
	})); err != nil {
		t.Fatal(err)
	}
	go func() {
		for !driver.BlockingClosed(l) {
			time.Sleep(time.Millisecond)
		}
		close(gate)
	}()
	err = l.Close()
	var se *driver.ShutdownError
	if !errors.As(err, &se) || len(se.Cancelled) != 2 {
		t.Errorf("Close() = %v; want a *ShutdownError naming 2 tasks", err)
	}
	if !firstDone.Load() {
		t.Error("Close returned before the running function did")
	}
	if secondRan.Load() {
		t.Error("the queued function ran after Close")
	}
	if s := l.BlockingStats(); s.Threads != 0 {
		t.Errorf("BlockingStats after Close = %+v; want no goroutine", s)
	}
	// A SpawnBlocking polled on a closed loop's pool fails.
	_ = l.Close()
}

// TestSpawnBlockingAbandon abandons a queued future (its function never
// runs) and a future waiting for a slot (the slot goes to the next).
func TestSpawnBlockingAbandon(t *testing.T) {
	cfg := loopkit.Config(t)
	cfg.BlockingThreads, cfg.BlockingQueue = 1, 1
	l, err := driver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	defer l.Close()
	defer release()
	var ran [4]atomic.Bool
	mk := func(i int) future.Future[int] {
		return driver.SpawnBlocking(func() (int, error) {
			if i == 0 {
				<-gate
			}
			ran[i].Store(true)
			return i, nil
		})
	}
	running, queued, waiting, last := mk(0), mk(1), mk(2), mk(3)
	type abandoner interface{ Abandon() }
	// Poll the four on every turn until the pool is full: 0 runs, 1 is
	// queued, 2 and 3 wait in line.
	full := future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		for _, f := range []future.Future[int]{running, queued, waiting, last} {
			if p := f.Poll(cx); !p.IsPending() {
				return future.Fail[struct{}](errors.New("a job finished too early"))
			}
		}
		if s := l.BlockingStats(); s.Running == 1 && s.Queued == 1 && s.Waiting == 2 {
			return future.Ok(struct{}{})
		}
		return future.Pending[struct{}]()
	})
	if _, err := loopkit.Block(t, l, full); err != nil {
		t.Fatal(err)
	}
	queued.(abandoner).Abandon()
	waiting.(abandoner).Abandon()
	release()
	got, err := loopkit.Block(t, l, combinators.Join(running, last))
	if err != nil || got.First != 0 || got.Second != 3 {
		t.Fatalf("Join = %+v, %v; want 0 and 3", got, err)
	}
	if ran[1].Load() || ran[2].Load() {
		t.Errorf("abandoned functions ran: queued %v, waiting %v", ran[1].Load(), ran[2].Load())
	}
}
