package driver

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/eddyio/eddy/future"
)

// RuntimeConfig configures a [Runtime]. The zero RuntimeConfig is ready to
// use: one loop per GOMAXPROCS, each with the zero [Config].
type RuntimeConfig struct {
	// Loops is the number of loops, each on a goroutine of its own with a
	// poller of its own. Zero means runtime.GOMAXPROCS(0).
	Loops int

	// Config configures every loop. Its ShutdownTimeout is the grace that
	// [Runtime.Run] and [Runtime.RunContext] give the tasks still running
	// when they shut the runtime down.
	Config
}

// Runtime is a set of loops, one per core by default, each driven by a
// goroutine of its own: the multi-core form of [Loop]. A task runs on one
// loop for its whole life and the sockets it polls belong to that loop,
// so tasks on different loops run in parallel without sharing anything
// but what they share on purpose (channels, wakers).
//
// [Runtime.Spawn] from outside the runtime starts a task on the least busy
// loop; [Spawn] from a task starts it on the task's own loop, and
// [SpawnBalanced] on the least busy one. [Await] runs a future and waits
// for its result, [Iter] iterates a stream from a plain goroutine,
// [Runtime.Run] and [Runtime.RunContext] drive a server's future and then
// shut down, and [Runtime.Shutdown] stops everything gracefully.
//
// The loops' goroutines start with [NewRuntime] and end with
// [Runtime.Shutdown] (which Run and RunContext call): a runtime that is
// made must be shut down.
type Runtime struct {
	cfg   RuntimeConfig
	loops []*Loop
	next  atomic.Uint32 // where Spawn starts looking, so ties rotate

	cmds []chan context.Context // tells loop i's goroutine to close, with its grace
	res  chan loopResult        // what each loop's close returned
	wg   sync.WaitGroup         // the loops' goroutines
	done chan struct{}          // closed when every loop is closed

	shutMu  sync.Mutex
	shut    bool
	shutErr error
}

type loopResult struct {
	i   int
	err error
}

// NewRuntime makes cfg.Loops loops and starts a goroutine driving each.
// Nothing runs on them until tasks are spawned; [Runtime.Shutdown] ends
// them.
func NewRuntime(cfg RuntimeConfig) (*Runtime, error) {
	n := cfg.Loops
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	cfg.Loops = n
	rt := &Runtime{cfg: cfg, res: make(chan loopResult, n), done: make(chan struct{})}
	for range n {
		l, err := New(cfg.Config)
		if err != nil {
			for _, l := range rt.loops {
				l.Close()
			}
			return nil, err
		}
		l.rt = rt
		rt.loops = append(rt.loops, l)
	}
	for i, l := range rt.loops {
		cmd := make(chan context.Context, 1)
		rt.cmds = append(rt.cmds, cmd)
		l.running.Store(true) // owned by its goroutine from now on
		rt.wg.Go(func() { rt.drive(i, l, cmd) })
	}
	return rt, nil
}

// drive is loop i's goroutine: it runs the loop until Shutdown stops it,
// then closes it with the grace Shutdown sends.
func (rt *Runtime) drive(i int, l *Loop, cmd <-chan context.Context) {
	err := l.drive(func() bool { return false }, zeroTime)
	if err != nil && !errors.Is(err, ErrStopped) {
		l.cfg.Logf("driver: loop %d of the runtime stopped: %v", i, err)
	}
	ctx := <-cmd
	l.running.Store(false)
	rt.res <- loopResult{i, l.closeCtx(ctx)}
}

// Loops returns the runtime's loops, for code that places work on one
// loop on purpose (a listener per loop, say). Their goroutines drive them:
// BlockOn and Close on them answer [ErrRunning].
func (rt *Runtime) Loops() []*Loop { return slices.Clone(rt.loops) }

// Spawn starts f as a new task on the least busy loop: the one with the
// fewest live tasks, counting those spawned and not yet started. It is
// safe from any goroutine. A task spawned once the runtime is shut down is
// dropped and reported.
func (rt *Runtime) Spawn(f future.Future[struct{}]) { rt.leastBusy().Spawn(f) }

// leastBusy is the loop with the least load; ties go round the loops.
func (rt *Runtime) leastBusy() *Loop {
	n := len(rt.loops)
	start := int(rt.next.Add(1)) % n
	best := rt.loops[start]
	bestLoad := best.load()
	for k := 1; k < n && bestLoad > 0; k++ {
		l := rt.loops[(start+k)%n]
		if ld := l.load(); ld < bestLoad {
			best, bestLoad = l, ld
		}
	}
	return best
}

// Stats returns the counters of every loop, in the order of [Runtime.Loops].
// It is safe from any goroutine.
func (rt *Runtime) Stats() []Stats {
	s := make([]Stats, len(rt.loops))
	for i, l := range rt.loops {
		s[i] = l.Stats()
	}
	return s
}

// Done returns a channel that is closed once the runtime is shut down and
// every loop is closed.
func (rt *Runtime) Done() <-chan struct{} { return rt.done }

// Shutdown stops the runtime gracefully, in one call:
//
//  1. it stops the futures of Run, RunContext, Await and Iter (a server's
//     acceptor, typically), which end with [ErrStopped], and readies every
//     [Stopping] future, so tasks that wait for it (acceptors on other
//     loops, long-lived connections) can finish on their own;
//  2. it lets every other task run until it is done or ctx is done;
//  3. then it cancels the tasks still alive, closes every descriptor still
//     tracked or registered with a loop, and closes the loops.
//
// A ctx that is done already gives no grace. Shutdown returns a
// *[ShutdownError] naming every cancelled task of every loop (each loop
// also reports its own through its Config's Logf or Logger), joined with
// any other error of closing. It waits for the loops' goroutines to end,
// and may be called more than once (later calls return what the first
// returned, once it has). It must not be called from a task of the
// runtime, whose loop it would wait for.
func (rt *Runtime) Shutdown(ctx context.Context) error {
	rt.shutMu.Lock()
	defer rt.shutMu.Unlock()
	if rt.shut {
		return rt.shutErr
	}
	rt.shut = true
	for _, l := range rt.loops {
		l.stop.begin()
	}
	for i, l := range rt.loops {
		l.Stop()
		rt.cmds[i] <- ctx
	}
	var cancelled []string
	var errs []error
	for range rt.loops {
		r := <-rt.res
		var se *ShutdownError
		if errors.As(r.err, &se) {
			cancelled = append(cancelled, se.Cancelled...)
		} else if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	rt.wg.Wait()
	close(rt.done)
	if len(cancelled) > 0 {
		slices.Sort(cancelled)
		errs = append([]error{&ShutdownError{Cancelled: cancelled}}, errs...)
	}
	rt.shutErr = errors.Join(errs...)
	return rt.shutErr
}

// Run drives f on the runtime until it completes, then shuts the runtime
// down with Config.ShutdownTimeout of grace, and returns f's error joined
// (errors.Join) with Shutdown's *[ShutdownError], if tasks were cancelled.
// f runs as a task of the least busy loop. Like Shutdown, Run blocks
// the calling goroutine, which must not be a task of the runtime.
func (rt *Runtime) Run(f future.Future[struct{}]) error {
	return rt.RunContext(context.Background(), f)
}

// RunContext is Run that also ends when ctx is done: f is then stopped
// (it stops accepting, if it is a server's acceptor) and the runtime shuts
// down with Config.ShutdownTimeout of grace for the tasks still running.
// A done ctx is the normal way to stop a server: RunContext then returns
// only Shutdown's error, nil if every task finished in time.
func (rt *Runtime) RunContext(ctx context.Context, f future.Future[struct{}]) error {
	res := make(chan error, 1)
	rt.Spawn(&outsideTask[struct{}]{f: f, deliver: func(_ struct{}, err error) { res <- err }})
	var err error
	select {
	case err = <-res:
	case <-ctx.Done():
	case <-rt.done: // shut down by someone else
		err = ErrStopped
	}
	grace, cancel := rt.graceContext()
	defer cancel()
	return errors.Join(err, rt.Shutdown(grace))
}

// graceContext is the context Run gives Shutdown: Config.ShutdownTimeout
// from now, or no grace at all.
func (rt *Runtime) graceContext() (context.Context, context.CancelFunc) {
	if rt.cfg.ShutdownTimeout <= 0 {
		return expiredCtx, func() {}
	}
	return context.WithTimeout(context.Background(), rt.cfg.ShutdownTimeout)
}

// Await runs f as a task of rt (on the least busy loop) and blocks the
// calling goroutine until f completes, returning its value and error: the
// runtime's form of [BlockOn]. The runtime goes on running. If the runtime
// is shut down first, f is stopped and Await returns [ErrStopped]. A panic
// in f comes back as a *[future.PanicError].
//
// Await must not be called from a task: it would block the task's loop.
func Await[T any](rt *Runtime, f future.Future[T]) (T, error) {
	type outcome struct {
		v   T
		err error
	}
	res := make(chan outcome, 1)
	rt.Spawn(&outsideTask[T]{f: f, deliver: func(v T, err error) { res <- outcome{v, err} }})
	select {
	case o := <-res:
		return o.v, o.err
	case <-rt.done:
		select {
		case o := <-res:
			return o.v, o.err
		default:
			var zero T
			return zero, ErrStopped
		}
	}
}

// outsideTask runs a future given to the runtime from outside and delivers
// its outcome, exactly once: its value, a panic as a *PanicError, or
// ErrStopped when the runtime begins to shut down first.
type outsideTask[T any] struct {
	f       future.Future[T]
	deliver func(T, error)
	waiting bool // the task's waker is parked on the loop's stop signal
}

func (r *outsideTask[T]) Poll(cx *future.Context) (p future.Poll[struct{}]) {
	if r.f == nil {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	var zero T
	l, _ := LoopOf(cx)
	if l != nil && l.stop.set.Load() {
		r.finish(zero, ErrStopped)
		return future.Ok(struct{}{})
	}
	defer func() {
		if v := recover(); v != nil {
			r.finish(zero, &future.PanicError{Future: typeName(r.f), Value: v, Stack: stack()})
			p = future.Ok(struct{}{})
		}
	}()
	fp := r.f.Poll(cx)
	if fp.IsReady() {
		r.finish(fp.Result())
		return future.Ok(struct{}{})
	}
	if l != nil && !r.waiting {
		r.waiting = true
		if !l.stop.wait(cx.Waker()) {
			cx.Waker().Wake() // the signal was set meanwhile: stop on the next poll
		}
	}
	return future.Pending[struct{}]()
}

// stopRoot ends the root with ErrStopped without polling it: its loop is
// closing with no grace left.
func (r *outsideTask[T]) stopRoot() {
	if r.f != nil {
		var zero T
		r.finish(zero, ErrStopped)
	}
}

// stopRoots ends the roots still alive at the end of a loop's shutdown:
// they are told ErrStopped, not cancelled and named among the tasks that
// did not finish in time. Loop goroutine only.
func (l *Loop) stopRoots() {
	for i := l.live.n - 1; i >= 0; i-- { // from the last: cancel's removal moves a task already seen into slot i
		t := l.live.at(i)
		if r, ok := t.fut.(interface{ stopRoot() }); ok {
			r.stopRoot()
			l.cancel(t)
		}
	}
}

func (r *outsideTask[T]) finish(v T, err error) {
	r.f = nil
	r.deliver(v, err)
}

// typeName is the type of v, for reports.
func typeName(v any) string {
	if v == nil {
		return "<nil>"
	}
	return reflect.TypeOf(v).String()
}

// stack is the calling goroutine's stack, for a *PanicError.
func stack() []byte { return debug.Stack() }
