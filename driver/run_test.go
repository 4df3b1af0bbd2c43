package driver_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

var errBoom = errors.New("boom")

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		f       future.Future[int]
		wantVal int
		wantErr error
	}{
		{name: "value", f: future.Ready(42), wantVal: 42},
		{name: "error", f: future.Failed[int](errBoom), wantErr: errBoom},
		{name: "value and error", f: future.FromResult(3, errBoom), wantVal: 3, wantErr: errBoom},
		{name: "after yields", f: future.Defer(func() future.Future[int] {
			n := 0
			return future.PollFn(func(cx *future.Context) future.Poll[int] {
				if n++; n < 5 {
					cx.Waker().Wake()
					return future.Pending[int]()
				}
				return future.Ok(n)
			})
		}), wantVal: 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := driver.RunWith(driver.Config{Logf: t.Logf}, tc.f)
			if v != tc.wantVal || err != tc.wantErr {
				t.Errorf("Run() = %d, %v; want %d, %v", v, err, tc.wantVal, tc.wantErr)
			}
		})
	}
}

func TestRunDefaultConfig(t *testing.T) {
	if v, err := driver.Run(future.Ready("ok")); v != "ok" || err != nil {
		t.Errorf("Run() = %q, %v; want \"ok\", nil", v, err)
	}
}

// TestRunReportsCancelledTasks checks that the *ShutdownError of Close is
// not dropped: it is joined to the future's own outcome.
func TestRunReportsCancelledTasks(t *testing.T) {
	// spawnThen leaves a task that never ends behind, and answers v, err.
	spawnThen := func(v int, err error) future.Future[int] {
		stray := driver.Spawn(future.Never[struct{}]())
		return future.PollFn(func(cx *future.Context) future.Poll[int] {
			if p := stray.Poll(cx); p.Err() != nil {
				return future.Fail[int](p.Err())
			}
			return future.Result(v, err)
		})
	}
	tests := []struct {
		name    string
		f       future.Future[int]
		wantVal int
		wantErr error
	}{
		{name: "value", f: spawnThen(7, nil), wantVal: 7},
		{name: "error", f: spawnThen(0, errBoom), wantErr: errBoom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := driver.RunWith(driver.Config{Logf: t.Logf}, tc.f)
			var se *driver.ShutdownError
			if v != tc.wantVal || !errors.As(err, &se) || len(se.Cancelled) != 1 {
				t.Errorf("RunWith() = %d, %v; want %d and a *ShutdownError naming one task", v, err, tc.wantVal)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("RunWith() error = %v; want it to wrap %v", err, tc.wantErr)
			}
		})
	}
}

func TestBlockOnTwice(t *testing.T) {
	l := newLoop(t, driver.Config{})
	if v, err := loopkit.Block(t, l, future.Ready(1)); v != 1 || err != nil {
		t.Fatalf("first BlockOn() = %d, %v; want 1, nil", v, err)
	}
	// A task spawned during the first BlockOn that outlives it runs on in
	// the second.
	gate := &latch{}
	done := &latch{}
	if _, err := loopkit.Block(t, l, driver.Spawn(&then{f: gate, fn: done.Set})); err != nil {
		t.Fatalf("BlockOn(Spawn) = %v; want nil", err)
	}
	gate.Set()
	if _, err := loopkit.Block(t, l, done); err != nil {
		t.Errorf("second BlockOn() = %v; want nil", err)
	}
}

func TestBlockOnClosedLoop(t *testing.T) {
	l := newLoop(t, driver.Config{})
	if err := l.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if _, err := driver.BlockOn(l, future.Ready(1)); !errors.Is(err, driver.ErrLoopClosed) {
		t.Errorf("BlockOn() on a closed loop = %v; want ErrLoopClosed", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close() = %v; want nil", err)
	}
}

func TestBlockOnFromInsideATask(t *testing.T) {
	l := newLoop(t, driver.Config{})
	var inner error
	f := future.Lazy(func() (int, error) {
		_, inner = driver.BlockOn(l, future.Ready(1))
		return 0, nil
	})
	if _, err := loopkit.Block(t, l, f); err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	if !errors.Is(inner, driver.ErrRunning) {
		t.Errorf("nested BlockOn() = %v; want ErrRunning", inner)
	}
}

func TestLoopOf(t *testing.T) {
	if _, err := driver.LoopOf(future.NewContext(nil, nil)); err == nil {
		t.Errorf("LoopOf(no executor) = nil error; want an error")
	}
	l := newLoop(t, driver.Config{})
	var got *driver.Loop
	loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		got, _ = driver.LoopOf(cx)
		return future.Ok(struct{}{})
	}))
	if got != l {
		t.Errorf("LoopOf(cx) inside BlockOn = %p; want the loop %p", got, l)
	}
}

func TestSpawnFuture(t *testing.T) {
	t.Run("outside a driver", func(t *testing.T) {
		p := driver.Spawn(future.Done()).Poll(future.NewContext(nil, nil))
		if !errors.Is(p.Err(), future.ErrNoDriver) {
			t.Errorf("Spawn().Poll() outside a driver = %v; want ErrNoDriver", p.Err())
		}
	})
	t.Run("lazy and once", func(t *testing.T) {
		var mu sync.Mutex
		var spawned []future.Future[struct{}]
		e := testkit.ExecutorFunc(func(f future.Future[struct{}]) {
			mu.Lock()
			spawned = append(spawned, f)
			mu.Unlock()
		})
		f := driver.Spawn(future.Done())
		if len(spawned) != 0 {
			t.Fatalf("building Spawn spawned %d tasks; want 0", len(spawned))
		}
		cx := future.NewContext(nil, e)
		if p := f.Poll(cx); !p.IsReady() || p.Err() != nil {
			t.Errorf("Spawn().Poll() = %v, %v; want ready, nil", p.IsReady(), p.Err())
		}
		if p := f.Poll(cx); !errors.Is(p.Err(), future.ErrPolledAfterCompletion) {
			t.Errorf("second Spawn().Poll() = %v; want ErrPolledAfterCompletion", p.Err())
		}
		if len(spawned) != 1 {
			t.Errorf("Spawn spawned %d tasks after two polls; want 1", len(spawned))
		}
	})
}

func TestSpawnFromInside(t *testing.T) {
	l := newLoop(t, driver.Config{})
	var order []string
	done := &latch{}
	child := &then{f: future.Done(), fn: func() { order = append(order, "child"); done.Set() }}
	root := seqOf(driver.Spawn(child), &then{f: future.Done(), fn: func() { order = append(order, "root spawned") }}, done)
	if _, err := loopkit.Block(t, l, root); err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	// Spawn does not wait for the child: the root goes on first.
	if len(order) != 2 || order[0] != "root spawned" || order[1] != "child" {
		t.Errorf("order = %q; want [root spawned child]", order)
	}
}

func TestSpawnFromAnotherGoroutineWakesBlockedLoop(t *testing.T) {
	l := newLoop(t, driver.Config{})
	for round := range 20 {
		done := &latch{}
		var wg sync.WaitGroup
		wg.Go(func() {
			waitSleeping(l)
			l.Spawn(&then{f: future.Done(), fn: done.Set})
		})
		_, err := loopkit.Block(t, l, done)
		wg.Wait()
		if err != nil {
			t.Fatalf("round %d: BlockOn() = %v; want nil", round, err)
		}
	}
}

func TestWakeFromAnotherGoroutineWakesBlockedLoop(t *testing.T) {
	l := newLoop(t, driver.Config{})
	for round := range 20 {
		done := &latch{}
		var wg sync.WaitGroup
		wg.Go(func() {
			waitSleeping(l)
			done.Set()
		})
		_, err := loopkit.Block(t, l, done)
		wg.Wait()
		if err != nil {
			t.Fatalf("round %d: BlockOn() = %v; want nil", round, err)
		}
	}
}

func TestSpawnManyFromManyGoroutines(t *testing.T) {
	l := newLoop(t, driver.Config{})
	const goroutines, each = 8, 250
	var count int // loop goroutine only
	all := &latch{}
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range each {
				l.Spawn(&then{f: future.Yield(), fn: func() {
					if count++; count == goroutines*each {
						all.Set()
					}
				}})
			}
		})
	}
	_, err := loopkit.Block(t, l, all)
	wg.Wait()
	if err != nil || count != goroutines*each {
		t.Errorf("BlockOn() = %v with %d tasks run; want nil and %d", err, count, goroutines*each)
	}
}
