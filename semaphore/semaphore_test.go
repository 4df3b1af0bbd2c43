package semaphore_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/semaphore"
	"github.com/google/go-cmp/cmp"
)

func TestTryAcquireAndRelease(t *testing.T) {
	s := semaphore.New(3)
	p, ok := s.TryAcquire(2)
	if !ok || p.Count() != 2 || s.Available() != 1 {
		t.Fatalf("TryAcquire(2) = %v, Available() = %d; want true, 1", ok, s.Available())
	}
	if _, ok := s.TryAcquire(2); ok {
		t.Errorf("TryAcquire(2) with 1 free = true; want false")
	}
	for _, k := range []int{-1, 4} {
		if _, ok := s.TryAcquire(k); ok {
			t.Errorf("TryAcquire(%d) = true; want false", k)
		}
	}
	p.Release()
	p.Release() // idempotent
	if s.Available() != 3 {
		t.Errorf("Available() after Release = %d; want 3", s.Available())
	}
}

func TestAcquireFIFONoBarging(t *testing.T) {
	s := semaphore.New(3)
	held, _ := s.TryAcquire(2)
	big, small := s.Acquire(2), s.Acquire(1)
	var wBig, wSmall testkit.WakeCounter
	if got := testkit.Describe(big.Poll(future.NewContext(&wBig, nil))); got != "pending" {
		t.Fatalf("Acquire(2).Poll() = %s; want pending", got)
	}
	// One permit is free, but the larger request came first.
	if got := testkit.Describe(small.Poll(future.NewContext(&wSmall, nil))); got != "pending" {
		t.Fatalf("Acquire(1).Poll() behind a waiting Acquire(2) = %s; want pending", got)
	}
	if _, ok := s.TryAcquire(1); ok {
		t.Errorf("TryAcquire(1) behind waiting requests = true; want false")
	}
	held.Release()
	if diff := cmp.Diff([]int{1, 1}, []int{wBig.Count(), wSmall.Count()}); diff != "" {
		t.Errorf("wake-ups (-want +got):\n%s", diff)
	}
	if s.Available() != 0 {
		t.Errorf("Available() = %d; want 0 (granted permits are held)", s.Available())
	}
	cx := future.NewContext(future.NoopWaker, nil)
	pb, ps := big.Poll(cx), small.Poll(cx)
	if pb.Err() != nil || ps.Err() != nil || pb.Value().Count() != 2 || ps.Value().Count() != 1 {
		t.Fatalf("Poll() = %s, %s; want two permits", testkit.Describe(pb), testkit.Describe(ps))
	}
	if got := testkit.Describe(big.Poll(cx)); got != "err "+future.ErrPolledAfterCompletion.Error() {
		t.Errorf("Poll() after completion = %s; want ErrPolledAfterCompletion", got)
	}
	pb.Value().Release()
	ps.Value().Release()
	if s.Available() != 3 {
		t.Errorf("Available() = %d; want 3", s.Available())
	}
}

func TestAcquireCancel(t *testing.T) {
	t.Run("pending head lets the next through", func(t *testing.T) {
		s := semaphore.New(2)
		held, _ := s.TryAcquire(1)
		defer held.Release()
		a, b := s.Acquire(2), s.Acquire(1)
		var wb testkit.WakeCounter
		cx := future.NewContext(future.NoopWaker, nil)
		a.Poll(cx)
		b.Poll(future.NewContext(&wb, nil))
		a.Cancel()
		a.Cancel()
		if wb.Count() != 1 {
			t.Errorf("Acquire(1) woken %d times; want 1", wb.Count())
		}
		if got := testkit.Describe(a.Poll(cx)); got != "err "+semaphore.ErrCanceled.Error() {
			t.Errorf("Poll() after Cancel = %s; want ErrCanceled", got)
		}
		p := b.Poll(cx)
		if p.Err() != nil || p.IsPending() {
			t.Fatalf("Acquire(1).Poll() = %s; want ready", testkit.Describe(p))
		}
		p.Value().Release()
	})
	t.Run("granted but never answered gives permits back", func(t *testing.T) {
		s := semaphore.New(1)
		held, _ := s.TryAcquire(1)
		a := s.Acquire(1)
		a.Poll(future.NewContext(future.NoopWaker, nil))
		held.Release() // granted to a, which nobody polls again
		if s.Available() != 0 {
			t.Fatalf("Available() = %d; want 0", s.Available())
		}
		a.Cancel()
		if s.Available() != 1 {
			t.Errorf("Available() after Cancel = %d; want 1", s.Available())
		}
	})
	t.Run("after the answer Cancel does nothing", func(t *testing.T) {
		s := semaphore.New(1)
		a := s.Acquire(1)
		p := a.Poll(future.NewContext(future.NoopWaker, nil))
		a.Cancel()
		if s.Available() != 0 {
			t.Errorf("Available() = %d; want 0 (the permit is still held)", s.Available())
		}
		p.Value().Release()
		if s.Available() != 1 {
			t.Errorf("Available() = %d; want 1", s.Available())
		}
	})
}

func TestAcquireInvalid(t *testing.T) {
	s := semaphore.New(2)
	cx := future.NewContext(future.NoopWaker, nil)
	for _, k := range []int{-1, 3} {
		if got := testkit.Describe(s.Acquire(k).Poll(cx)); got != "err "+semaphore.ErrInvalid.Error() {
			t.Errorf("Acquire(%d).Poll() = %s; want ErrInvalid", k, got)
		}
	}
	p := s.Acquire(0).Poll(cx)
	if p.Err() != nil || p.IsPending() || s.Available() != 2 {
		t.Errorf("Acquire(0).Poll() = %s; want ready", testkit.Describe(p))
	}
}

func TestAcquireIsLazy(t *testing.T) {
	s := semaphore.New(1)
	s.Acquire(1) // never polled: takes nothing, queues nothing
	if p, ok := s.TryAcquire(1); !ok {
		t.Errorf("TryAcquire(1) after an unpolled Acquire = false; want true")
	} else {
		p.Release()
	}
}

// TestReleaseFromGoroutineWakesTask holds the only permit on a plain
// goroutine while a task waits for it.
func TestReleaseFromGoroutineWakesTask(t *testing.T) {
	leaktest.Goroutines(t)
	s := semaphore.New(1)
	held, _ := s.TryAcquire(1)
	go func() {
		time.Sleep(time.Millisecond)
		held.Release()
	}()
	p, err := loopkit.Run(t, s.Acquire(1))
	if err != nil {
		t.Fatalf("Run() = %v", err)
	}
	p.Release()
}

// TestLimitsConcurrencyAcrossLoops runs tasks on two loops and plain
// goroutines that each hold permits for a while, and checks the limit.
func TestLimitsConcurrencyAcrossLoops(t *testing.T) {
	leaktest.Goroutines(t)
	const size, tasks = 3, 60
	s := semaphore.New(size)
	var inUse, peak, finished atomic.Int64
	hold := func(k int) {
		n := inUse.Add(int64(k))
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
	}
	job := func(k int) future.Future[struct{}] {
		acq := s.Acquire(k)
		var permit *semaphore.Permit
		var pause future.Future[struct{}]
		return future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
			if permit == nil {
				p := acq.Poll(cx)
				if p.IsPending() {
					return future.Pending[struct{}]()
				}
				if p.Err() != nil {
					return future.Fail[struct{}](p.Err())
				}
				permit = p.Value()
				hold(k)
				pause = driver.Sleep(100 * time.Microsecond)
			}
			if pause.Poll(cx).IsPending() {
				return future.Pending[struct{}]()
			}
			inUse.Add(-int64(k))
			permit.Release()
			finished.Add(1)
			return future.Ok(struct{}{})
		})
	}
	loops := []*driver.Loop{loopkit.NewLoop(t), loopkit.NewLoop(t)}
	var wg sync.WaitGroup
	for i := range tasks {
		k := 1 + i%size
		switch i % 3 {
		case 2: // a plain goroutine driving its own loop
			wg.Go(func() {
				if _, err := loopkit.Run(t, job(k)); err != nil {
					t.Errorf("Run() = %v", err)
				}
			})
		default:
			loops[i%3].Spawn(job(k))
		}
	}
	for _, l := range loops {
		wg.Go(func() {
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) {
				driver.BlockOn(l, driver.Sleep(time.Millisecond))
				if finished.Load() == tasks {
					return
				}
			}
			t.Errorf("loop still busy after 10s")
		})
	}
	wg.Wait()
	if got := finished.Load(); got != tasks {
		t.Errorf("%d jobs finished; want %d", got, tasks)
	}
	if got := peak.Load(); got > size {
		t.Errorf("%d permits in use at once; want at most %d", got, size)
	}
	if s.Available() != size {
		t.Errorf("Available() = %d; want %d", s.Available(), size)
	}
}

// TestStress acquires and cancels at random points from many goroutines,
// bounded in count and time, and checks that no permit is lost.
func TestStress(t *testing.T) {
	leaktest.Goroutines(t)
	const size = 5
	s := semaphore.New(size)
	var wg sync.WaitGroup
	deadline := time.Now().Add(5 * time.Second)
	for g := range 8 {
		wg.Go(func() {
			w := &testkit.WakeCounter{}
			cx := future.NewContext(w, nil)
			for i := 0; i < 500 && time.Now().Before(deadline); i++ {
				a := s.Acquire(1 + (g+i)%size)
				p := a.Poll(cx)
				if (g+i)%4 == 0 {
					a.Cancel()
					if p.IsReady() && p.Err() == nil {
						p.Value().Release()
					}
					continue
				}
				for p.IsPending() {
					runtime.Gosched()
					p = a.Poll(cx)
				}
				if p.Err() != nil {
					t.Errorf("Poll() = %v", p.Err())
					return
				}
				p.Value().Release()
			}
		})
	}
	wg.Wait()
	if s.Available() != size {
		t.Errorf("Available() = %d; want %d: permits leaked", s.Available(), size)
	}
}
