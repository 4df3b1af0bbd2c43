package driver_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/stream"
)

// newRuntime returns a runtime of n loops that logs through t, shut down
// (with no grace) when the test ends if the test did not.
func newRuntime(t *testing.T, n int) *driver.Runtime {
	t.Helper()
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: n, Config: driver.Config{Logf: t.Logf}})
	if err != nil {
		t.Fatalf("NewRuntime() = %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rt.Shutdown(ctx)
	})
	return rt
}

// gate is a future that parks its task until the gate opens, from any
// goroutine: a task that stays alive as long as the test wants.
type gate struct {
	open  chan struct{}
	polls atomic.Int64 // first polls, one per waiting future
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

func (g *gate) Open() { close(g.open) }

// Wait returns a future ready once the gate opens; onLoop, if not nil, is
// told the loop of its first poll.
func (g *gate) Wait(onLoop func(*driver.Loop)) future.Future[struct{}] {
	return &gateWait{g: g, onLoop: onLoop}
}

type gateWait struct {
	g      *gate
	onLoop func(*driver.Loop)
	polled bool
}

func (w *gateWait) Poll(cx *future.Context) future.Poll[struct{}] {
	if !w.polled {
		w.polled = true
		if w.onLoop != nil {
			l, _ := driver.LoopOf(cx)
			w.onLoop(l)
		}
		waker := cx.Waker()
		go func() { <-w.g.open; waker.Wake() }()
		w.g.polls.Add(1)
	}
	select {
	case <-w.g.open:
		return future.Ok(struct{}{})
	default:
		cx.Waker() // woken by the goroutine above
		return future.Pending[struct{}]()
	}
}

// waitFor polls cond until it holds, failing the test after loopkit.Timeout.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(loopkit.Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %v", what, loopkit.Timeout)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestRuntimeLoopsRunInParallel gives each loop a task that waits, blocking
// its loop's goroutine, until every loop's task has started: only loops
// driven by goroutines of their own, at the same time, get past it.
func TestRuntimeLoopsRunInParallel(t *testing.T) {
	const n = 4
	rt := newRuntime(t, n)
	var started atomic.Int64
	all := make(chan struct{})
	done := make(chan *driver.Loop, n)
	for _, l := range rt.Loops() {
		l.Spawn(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
			if started.Add(1) == n {
				close(all)
			}
			select {
			case <-all:
			case <-time.After(loopkit.Timeout):
				t.Errorf("the other loops' tasks did not start while this one ran")
			}
			me, _ := driver.LoopOf(cx)
			done <- me
			return future.Ok(struct{}{})
		}))
	}
	seen := map[*driver.Loop]bool{}
	for range n {
		seen[<-done] = true
	}
	if len(seen) != n {
		t.Errorf("tasks ran on %d loops; want %d", len(seen), n)
	}
	if err := rt.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown() = %v", err)
	}
}

// TestRuntimeSpawnBalances spawns long-lived tasks from outside and checks
// that each loop got its share.
func TestRuntimeSpawnBalances(t *testing.T) {
	const n, tasks = 3, 900
	rt := newRuntime(t, n)
	g := newGate()
	var mu sync.Mutex
	perLoop := map[*driver.Loop]int{}
	for range tasks {
		rt.Spawn(g.Wait(func(l *driver.Loop) { mu.Lock(); perLoop[l]++; mu.Unlock() }))
	}
	waitFor(t, "every task polled", func() bool { return g.polls.Load() == tasks })
	for i, l := range rt.Loops() {
		if got, st := perLoop[l], rt.Stats()[i]; got < tasks/n*8/10 || got > tasks/n*12/10 || st.Tasks != got {
			t.Errorf("loop %d runs %d tasks (Stats: %d); want about %d", i, got, st.Tasks, tasks/n)
		}
	}
	g.Open()
	if err := rt.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown() = %v", err)
	}
}

// TestSpawnFromTaskStaysOnLoop checks that driver.Spawn from a task of a
// runtime starts the child on the task's own loop, and SpawnBalanced
// spreads children over the loops.
func TestSpawnFromTaskStaysOnLoop(t *testing.T) {
	const n, children = 2, 100
	rt := newRuntime(t, n)
	g := newGate()
	var mu sync.Mutex
	var wrong int
	perLoop := map[*driver.Loop]int{}
	for _, parent := range rt.Loops() {
		parent.Spawn(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
			for range children {
				driver.Spawn(g.Wait(func(l *driver.Loop) {
					mu.Lock()
					if l != parent {
						wrong++
					}
					mu.Unlock()
				})).Poll(cx)
			}
			return future.Ok(struct{}{})
		}))
	}
	waitFor(t, "children polled", func() bool { return g.polls.Load() == n*children })
	if wrong != 0 {
		t.Errorf("%d children of driver.Spawn ran on another loop than their parent's", wrong)
	}
	// SpawnBalanced from one loop's task: the children spread.
	rt.Loops()[0].Spawn(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		for range children {
			driver.SpawnBalanced(g.Wait(func(l *driver.Loop) { mu.Lock(); perLoop[l]++; mu.Unlock() })).Poll(cx)
		}
		return future.Ok(struct{}{})
	}))
	waitFor(t, "balanced children polled", func() bool { return g.polls.Load() == (n+1)*children })
	for i, l := range rt.Loops() {
		if perLoop[l] < children/n*7/10 {
			t.Errorf("loop %d got %d of %d balanced children", i, perLoop[l], children)
		}
	}
	g.Open()
	if err := rt.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown() = %v", err)
	}
}

// TestRuntimeShutdown checks the three phases: Stopping futures see the
// shutdown, tasks that finish within the grace are not reported, and the
// rest are cancelled and named.
func TestRuntimeShutdown(t *testing.T) {
	loopkit.NoLeaks(t)
	rt := newRuntime(t, 2)
	var polite atomic.Int64
	for range 10 {
		rt.Spawn(future.PollFn(func() func(*future.Context) future.Poll[struct{}] {
			stop := driver.Stopping()
			return func(cx *future.Context) future.Poll[struct{}] {
				if stop.Poll(cx).IsReady() {
					polite.Add(1)
					return future.Ok(struct{}{})
				}
				return future.Pending[struct{}]()
			}
		}()))
	}
	for range 3 {
		rt.Spawn(future.Never[struct{}]())
	}
	waitFor(t, "tasks started", func() bool {
		s := rt.Stats()
		return s[0].Polls+s[1].Polls >= 13
	})
	ctx, cancel := context.WithCancel(context.Background())
	var err error
	shut := make(chan struct{})
	go func() { err = rt.Shutdown(ctx); close(shut) }()
	waitFor(t, "polite tasks finished", func() bool { return polite.Load() == 10 })
	cancel()
	<-shut
	var se *driver.ShutdownError
	if !errors.As(err, &se) || len(se.Cancelled) != 3 {
		t.Fatalf("Shutdown() = %v; want a *ShutdownError naming 3 tasks", err)
	}
	if again := rt.Shutdown(context.Background()); again != err {
		t.Errorf("second Shutdown() = %v; want the first's %v", again, err)
	}
	select {
	case <-rt.Done():
	default:
		t.Errorf("Done() not closed after Shutdown")
	}
}

// TestRuntimeRunContext runs a server-like future until its context is
// done: the future is stopped, a task waiting on Stopping finishes in the
// grace, and RunContext reports nothing.
func TestRuntimeRunContext(t *testing.T) {
	loopkit.NoLeaks(t)
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2, Config: driver.Config{Logf: t.Logf, ShutdownTimeout: loopkit.Timeout}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var finished atomic.Bool
	server := future.PollFn(func() func(*future.Context) future.Poll[struct{}] {
		spawned := false
		return func(cx *future.Context) future.Poll[struct{}] {
			if !spawned {
				spawned = true
				driver.Spawn(future.PollFn(func() func(*future.Context) future.Poll[struct{}] {
					stop := driver.Stopping()
					return func(cx *future.Context) future.Poll[struct{}] {
						if stop.Poll(cx).IsReady() {
							finished.Store(true)
							return future.Ok(struct{}{})
						}
						return future.Pending[struct{}]()
					}
				}())).Poll(cx)
				cancel() // as a signal handler would
			}
			cx.Waker()
			return future.Pending[struct{}]()
		}
	}())
	if err := rt.RunContext(ctx, server); err != nil {
		t.Errorf("RunContext() = %v; want nil", err)
	}
	if !finished.Load() {
		t.Errorf("the task waiting on Stopping did not finish")
	}
}

func TestRuntimeRun(t *testing.T) {
	loopkit.NoLeaks(t)
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2, Config: driver.Config{Logf: t.Logf}})
	if err != nil {
		t.Fatal(err)
	}
	err = rt.Run(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		driver.Spawn(future.Never[struct{}]()).Poll(cx)
		return future.Fail[struct{}](errBoom)
	}))
	var se *driver.ShutdownError
	if !errors.Is(err, errBoom) || !errors.As(err, &se) || len(se.Cancelled) != 1 {
		t.Errorf("Run() = %v; want boom joined with a *ShutdownError naming one task", err)
	}
}

func TestAwait(t *testing.T) {
	rt := newRuntime(t, 2)
	if v, err := driver.Await(rt, future.Ready(42)); v != 42 || err != nil {
		t.Errorf("Await(Ready(42)) = %d, %v", v, err)
	}
	if _, err := driver.Await(rt, future.Failed[int](errBoom)); err != errBoom {
		t.Errorf("Await(Failed) = %v; want boom", err)
	}
	_, err := driver.Await(rt, future.PollFn(func(*future.Context) future.Poll[int] { panic("oops") }))
	var pe *future.PanicError
	if !errors.As(err, &pe) || pe.Value != "oops" {
		t.Errorf("Await(panicking) = %v; want a *PanicError", err)
	}
	var v int
	awaited := make(chan error)
	go func() {
		_, err := driver.Await(rt, future.Never[int]())
		awaited <- err
	}()
	waitFor(t, "the awaited task polled", func() bool {
		s := rt.Stats()
		return s[0].Polls+s[1].Polls >= 4
	})
	if err := rt.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown() = %v; want nil (Await's future is stopped, not cancelled)", err)
	}
	if err := <-awaited; !errors.Is(err, driver.ErrStopped) {
		t.Errorf("Await(Never) across Shutdown = %d, %v; want ErrStopped", v, err)
	}
	if _, err := driver.Await(rt, future.Ready(1)); !errors.Is(err, driver.ErrStopped) {
		t.Errorf("Await after Shutdown = %v; want ErrStopped", err)
	}
}

func TestIter(t *testing.T) {
	rt := newRuntime(t, 2)
	var got []string
	for v, err := range driver.Iter(rt, stream.Of(1, 2, 3)) {
		got = append(got, fmt.Sprint(v, err))
	}
	if want := "[1 <nil> 2 <nil> 3 <nil>]"; fmt.Sprint(got) != want {
		t.Errorf("Iter(1, 2, 3) = %v; want %v", got, want)
	}
	// Breaking out stops the task.
	n := 0
	for range driver.Iter(rt, stream.FromSeq(func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	})) {
		if n++; n == 5 {
			break
		}
	}
	waitFor(t, "the iterating task ended", func() bool {
		s := rt.Stats()
		return s[0].Tasks+s[1].Tasks == 0
	})
	// An item error is an item.
	items := []stream.Poll[int]{stream.Item(1), stream.Fail[int](errBoom), stream.End[int]()}
	i := 0
	got = got[:0]
	for v, err := range driver.Iter(rt, stream.PollFn(func(*future.Context) stream.Poll[int] { p := items[i]; i++; return p })) {
		got = append(got, fmt.Sprint(v, err))
	}
	if want := "[1 <nil> 0 boom]"; fmt.Sprint(got) != want {
		t.Errorf("Iter(item, error, end) = %v; want %v", got, want)
	}
	// Shutdown ends an iteration with ErrStopped.
	var last error
	go func() {
		waitFor(t, "the iterating task polled", func() bool {
			s := rt.Stats()
			return s[0].Tasks+s[1].Tasks == 1
		})
		rt.Shutdown(context.Background())
	}()
	for _, err := range driver.Iter(rt, stream.PollFn(func(cx *future.Context) stream.Poll[int] { cx.Waker(); return stream.Pending[int]() })) {
		last = err
	}
	if !errors.Is(last, driver.ErrStopped) {
		t.Errorf("Iter across Shutdown ended with %v; want ErrStopped", last)
	}
}

func TestContextDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Millisecond, cancel)
	v, err := loopkit.Run(t, driver.ContextDone(ctx))
	if v != context.Canceled || err != nil {
		t.Errorf("ContextDone() = %v, %v; want context.Canceled, nil", v, err)
	}
	// Done already: ready on the first poll.
	if v, err := loopkit.Run(t, driver.ContextDone(ctx)); v != context.Canceled || err != nil {
		t.Errorf("ContextDone(done) = %v, %v", v, err)
	}
}

// TestStoppingOnLoneLoop checks that Close of a lone loop readies Stopping,
// so a polite task ends within the shutdown timeout.
func TestStoppingOnLoneLoop(t *testing.T) {
	l, err := driver.New(driver.Config{Logf: t.Logf, ShutdownTimeout: loopkit.Timeout})
	if err != nil {
		t.Fatal(err)
	}
	l.Spawn(driver.Stopping())
	if _, err := driver.BlockOn(l, future.Ready(0)); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("Close() = %v; want nil: the Stopping task ends in the grace", err)
	}
}

// TestCrossLoopWakesCostOneKick wakes a thousand tasks of a loop that
// sleeps in its poller from another goroutine: one kick wakes it, the
// other wakes find it already woken.
func TestCrossLoopWakesCostOneKick(t *testing.T) {
	l := newLoop(t, driver.Config{})
	const n = 1000
	wakers := make(chan future.Waker, n)
	var done atomic.Int64
	for range n {
		polled := false
		l.Spawn(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
			if polled {
				done.Add(1)
				return future.Ok(struct{}{})
			}
			polled = true
			wakers <- cx.Waker()
			return future.Pending[struct{}]()
		}))
	}
	// Drive the loop until every task has parked its waker.
	if _, err := driver.BlockOn(l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		if len(wakers) == n {
			return future.Ok(struct{}{})
		}
		cx.Waker().Wake()
		return future.Pending[struct{}]()
	})); err != nil {
		t.Fatal(err)
	}
	driver.Publish(l)
	before := l.Stats()
	driver.SetSleeping(l, true) // as drive does before it blocks
	for range n {
		(<-wakers).Wake()
	}
	driver.Publish(l)
	if got := l.Stats().Kicks - before.Kicks; got != 1 {
		t.Errorf("%d wakes of a sleeping loop kicked it %d times; want 1", n, got)
	}
	driver.SetSleeping(l, false)
	if _, err := driver.BlockOn(l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		if done.Load() == n {
			return future.Ok(struct{}{})
		}
		cx.Waker().Wake()
		return future.Pending[struct{}]()
	})); err != nil {
		t.Fatal(err)
	}
	driver.Publish(l)
	if st := l.Stats(); st.Injected < before.Injected+n || st.Kicks > st.Waits {
		t.Errorf("Stats() = %v; want %d more injected, and no more kicks than waits", st, n)
	}
}

func TestLoopStats(t *testing.T) {
	l := newLoop(t, driver.Config{})
	if _, err := driver.BlockOn(l, driver.Sleep(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	l.Spawn(future.Done())
	if _, err := driver.BlockOn(l, future.Yield()); err != nil {
		t.Fatal(err)
	}
	driver.Publish(l)
	st := l.Stats()
	if st.Spawned != 3 || st.Polls < 4 || st.TimersArmed != 1 || st.TimersFired != 1 || st.Timers != 0 || st.Tasks != 0 || st.Waits == 0 {
		t.Errorf("Stats() = %v; want 3 spawned, at least 4 polls, one timer armed and fired, none left", st)
	}
}

// TestConfigLogger checks that the reports go to Config.Logger when Logf
// is not set, as Warn records.
func TestConfigLogger(t *testing.T) {
	var buf safeBuffer
	lg := slog.New(slog.NewTextHandler(&buf, nil))
	var pause future.Future[struct{}]
	_, err := driver.RunWith(driver.Config{Logger: lg}, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		if pause == nil {
			driver.Spawn(future.Failed[struct{}](errBoom)).Poll(cx)
			driver.Spawn(future.Never[struct{}]()).Poll(cx)
			pause = driver.Sleep(time.Millisecond) // a turn for the spawned tasks
		}
		return pause.Poll(cx)
	}))
	var se *driver.ShutdownError
	if !errors.As(err, &se) {
		t.Fatalf("RunWith() = %v; want a *ShutdownError", err)
	}
	out := buf.String()
	for _, want := range []string{"level=WARN", "failed: boom", "cancelled 1 task(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the logger got %q; want it to contain %q", out, want)
		}
	}
}

// safeBuffer is a bytes.Buffer for a logger written from a loop's
// goroutine and read by the test.
type safeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *safeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestStoppingForgetsEndedTasks runs waves of short tasks that each wait
// on Stopping for a while, as connections of a server that select on it:
// the loop keeps the wakers of the tasks alive, not of every task so far.
func TestStoppingForgetsEndedTasks(t *testing.T) {
	l := newLoop(t, driver.Config{})
	const waves, perWave = 10, 1000
	for range waves {
		for range perWave {
			stop := driver.Stopping()
			polled := false
			l.Spawn(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
				if polled {
					return future.Ok(struct{}{})
				}
				polled = true
				stop.Poll(cx)
				cx.Waker().Wake() // done on the next poll, long before any shutdown
				return future.Pending[struct{}]()
			}))
		}
		if _, err := driver.BlockOn(l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
			if driver.Tasks(l) == 1 { // only this one: the wave has ended
				return future.Ok(struct{}{})
			}
			cx.Waker().Wake()
			return future.Pending[struct{}]()
		})); err != nil {
			t.Fatal(err)
		}
	}
	if got := driver.StopWaiters(l); got > 2*perWave+64 {
		t.Errorf("%d wakers kept for Stopping after %d waves of %d tasks; want at most %d", got, waves, perWave, 2*perWave+64)
	}
}
