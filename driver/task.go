package driver

import (
	"reflect"
	"runtime/debug"
	"sync/atomic"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
)

// Task states. A task is woken by a CAS from idle to scheduled; a wake while
// it runs moves it to notified, and it is queued again after its poll.
const (
	taskIdle uint32 = iota
	taskScheduled
	taskRunning
	taskNotified
	taskDone
)

// task is one spawned future, in one allocation of 32 bytes, which an idle
// connection pays for. The task is the Waker of the context it is polled
// with, so waking allocates nothing.
//
// The task holds no Context and no poll bookkeeping of its own: a Context
// is used only during the poll it was given to (futures keep its Waker,
// never the Context), and the bookkeeping its derived contexts share
// (budget, waker taken, stall finding) is reset at every poll. So the loop
// keeps one of each and points them at the task it polls ([Loop.cx],
// [Loop.pollState]). What outlives a poll is the future, the loop, the
// scheduling state and the task's place among the loop's live tasks.
type task struct {
	fut   future.Future[struct{}]
	l     *Loop         // set before the task is published, never changed after
	sched atomic.Uint32 // the scheduling state (taskIdle...)
	slot  int32         // 1 + its index in the loop's taskSet, 0 if none; loop goroutine only
}

// state is the task's scheduling state word.
func (t *task) state() *atomic.Uint32 { return &t.sched }

// init makes the zero t a task of l that polls f.
func (t *task) init(l *Loop, f future.Future[struct{}]) {
	t.fut = f
	t.l = l
}

// loop is the loop that runs the task.
func (t *task) loop() *Loop { return t.l }

// name is the type of the task's future, for reports; it is asked before
// the future is dropped.
func (t *task) name() string {
	var f any = t.fut
	if r, ok := f.(interface{ inner() any }); ok {
		f = r.inner() // BlockOn's adapter: name what it drives
	}
	if f == nil {
		return "<nil>"
	}
	return reflect.TypeOf(f).String()
}

// Wake schedules the task; it is safe from any goroutine.
func (t *task) Wake() {
	for {
		switch s := t.state().Load(); s {
		case taskIdle:
			if t.state().CompareAndSwap(taskIdle, taskScheduled) {
				t.loop().inject(t)
				return
			}
		case taskRunning:
			if t.state().CompareAndSwap(taskRunning, taskNotified) {
				return
			}
		default:
			return // already scheduled or notified, or done
		}
	}
}

// wakeLocal is Wake from the loop's own goroutine: a plain queue push.
func (t *task) wakeLocal() {
	for {
		switch s := t.state().Load(); s {
		case taskIdle:
			if t.state().CompareAndSwap(taskIdle, taskScheduled) {
				t.loop().runq.push(t)
				return
			}
		case taskRunning:
			if t.state().CompareAndSwap(taskRunning, taskNotified) {
				return
			}
		default:
			return
		}
	}
}

// poll polls the task once on the loop goroutine and reports whether it
// finished.
func (t *task) poll() (done bool, res future.Poll[struct{}]) {
	t.state().Store(taskRunning)
	l := t.l
	cx, st := &l.cx, &l.pollState
	taskctx.Rebind(cx, future.Waker(t)) // also starts the poll's bookkeeping (budget, waker taken, stall)
	st.Polling = true                   // Spawn from inside this poll queues locally (spawnFrom)
	defer func() {
		st.Polling = false
		if v := recover(); v != nil {
			done = true
			res = future.Fail[struct{}](&future.PanicError{Future: t.name(), Value: v, Stack: debug.Stack()})
		}
		if done {
			t.state().Store(taskDone) // the loop drops the future once it has reported
		}
	}()
	res = t.fut.Poll(cx)
	if res.IsReady() {
		return true, res
	}
	return false, res
}

// park moves a task that answered pending back to idle, or queues it again
// if it was woken while it ran. It reports whether the task is now idle.
func (t *task) park() bool {
	if t.state().CompareAndSwap(taskRunning, taskIdle) {
		return true
	}
	t.state().Store(taskScheduled) // notified while running
	t.loop().runq.push(t)
	return false
}

// runQueue is the loop's local FIFO of scheduled tasks, touched only by the
// loop goroutine: a ring buffer that grows, and shrinks back (trim) once a
// burst is over.
type runQueue struct {
	buf        []*task
	head, size int
	peak       int // the most tasks queued since the last trim
}

// maxIdleRunq is the capacity the run queue keeps after a burst.
const maxIdleRunq = 1024

// trim drops a large buffer that the tasks queued since the last trim
// used less than a quarter of, so that the idle connections left by a
// burst (ten thousand accepted at once) do not pay for it. The loop calls
// it when it is about to wait with nothing queued.
func (q *runQueue) trim() {
	if q.size == 0 && len(q.buf) > maxIdleRunq && q.peak < len(q.buf)/4 {
		q.buf, q.head = nil, 0
	}
	q.peak = q.size
}

func (q *runQueue) push(t *task) {
	if q.size == len(q.buf) {
		n := max(2*len(q.buf), 64)
		buf := make([]*task, n)
		for i := range q.size {
			buf[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = buf, 0
	}
	q.buf[(q.head+q.size)%len(q.buf)] = t
	q.size++
	q.peak = max(q.peak, q.size)
}

func (q *runQueue) pop() *task {
	if q.size == 0 {
		return nil
	}
	t := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) % len(q.buf)
	q.size--
	return t
}
