package driver

import (
	"errors"
	"time"

	"github.com/eddyio/eddy/future"
)

// rootFuture adapts the future BlockOn drives to a task's future, keeping
// its typed result.
type rootFuture[T any] struct {
	f   future.Future[T]
	val T
	err error
}

// inner is the future the adapter drives, named in reports.
func (r *rootFuture[T]) inner() any { return r.f }

func (r *rootFuture[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	p := r.f.Poll(cx)
	if p.IsPending() {
		return future.Pending[struct{}]()
	}
	r.val, r.err = p.Result()
	return future.Ok(struct{}{})
}

// BlockOn drives f on l, together with every task spawned on l, until f
// completes, and returns f's value and error. Tasks still running when f
// completes stay on the loop: a later BlockOn drives them further, and
// [Loop.Close] gives them their shutdown timeout and then cancels them.
//
// BlockOn returns [ErrStopped] if [Loop.Stop] is called first, a
// *[future.PanicError] if f panics, and a *StallError if Config.DetectStalls is set
// and f answers pending with no wake-up arranged.
func BlockOn[T any](l *Loop, f future.Future[T]) (T, error) {
	var zero T
	if l.closed.Load() {
		return zero, ErrLoopClosed
	}
	if !l.running.CompareAndSwap(false, true) {
		return zero, ErrRunning
	}
	defer l.running.Store(false)

	rf := &rootFuture[T]{f: f}
	r := &rootTask{}
	t := &r.task
	t.init(l, rf)
	t.state().Store(taskScheduled)
	l.root = r
	defer func() { l.root = nil }()
	l.adopt(t)
	l.runq.push(t)

	err := l.drive(func() bool { return t.fut == nil || r.stalled != nil }, zeroTime)
	switch {
	case r.stalled != nil:
		l.cancel(t)
		return zero, r.stalled
	case err != nil:
		l.cancel(t)
		return zero, err
	case r.res.Err() != nil: // the adapter itself failed: a panic
		return zero, r.res.Err()
	}
	return rf.val, rf.err
}

// cancel drops a task that will never be polled again.
func (l *Loop) cancel(t *task) {
	t.state().Store(taskDone)
	t.fut = nil
	l.live.remove(t)
}

// rootTask is the task of the future BlockOn drives, with what only that
// task needs: its result is kept (not logged) and a stall of it ends
// BlockOn.
type rootTask struct {
	task
	res     future.Poll[struct{}]
	stalled *StallError
}

// Run drives f to completion on a new loop with the zero [Config], then
// closes the loop, and returns f's value and error. It is the shortest way
// to run a pipeline:
//
//	n, err := driver.Run(pipeline)
//
// It is RunWith(Config{}, f); see [RunWith] for what closing does and
// which errors come back.
func Run[T any](f future.Future[T]) (T, error) { return RunWith(Config{}, f) }

// RunWith drives f to completion on a new loop configured by cfg, then
// closes the loop ([Loop.Close]), and returns f's value and error.
//
// Tasks spawned by f that are still running when f completes are given
// cfg.ShutdownTimeout and then cancelled, and every socket still
// registered with the loop is closed. The error of Close, a
// *[ShutdownError] naming the cancelled tasks, is not dropped: it is
// joined (errors.Join) to f's error, so errors.Is and errors.As find
// either; when f succeeded, RunWith returns f's value with Close's error.
func RunWith[T any](cfg Config, f future.Future[T]) (T, error) {
	l, err := New(cfg)
	if err != nil {
		var zero T
		return zero, err
	}
	v, err := BlockOn(l, f)
	if cerr := l.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return v, err
}

// spawnFuture starts its future as a task of the loop that polls it. It is
// the memory of that task: Spawn allocates the task up front, so that
// starting it allocates nothing more. Until it is started on a loop, only
// its fut field is in use; once started (its loop is set), the
// spawnFuture reads nothing but that loop, which the
// loop never writes again.
type spawnFuture task

func (s *spawnFuture) Poll(cx *future.Context) future.Poll[struct{}] {
	t := (*task)(s)
	if t.loop() != nil || t.fut == nil { // started on a loop, or handed to another executor
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	e := cx.Executor()
	if e == nil {
		return future.Fail[struct{}](future.ErrNoDriver)
	}
	if l, ok := e.(*Loop); ok {
		l.spawnFrom(cx, t, t.fut)
		return future.Ok(struct{}{})
	}
	f := t.fut
	t.fut = nil
	e.Spawn(f)
	return future.Ok(struct{}{})
}

// Spawn returns a lazy future that, when polled, starts f as a new task on
// the loop of the polling task and completes at once: the polling task
// does not wait for f. Building it starts nothing. Polled outside any driver,
// it fails with [future.ErrNoDriver].
//
// In a server, the per-connection future returned to ForEach is typically
// driver.Spawn(handle), so the next accept is not held up by this
// connection.
func Spawn(f future.Future[struct{}]) future.Future[struct{}] { return &spawnFuture{fut: f} }

var zeroTime time.Time
