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

// task is one spawned future and the context it is polled with. The task
// itself is the Waker of its context, so waking allocates nothing.
type task struct {
	loop  *Loop
	fut   future.Future[struct{}]
	cx    *future.Context
	state atomic.Uint32
	id    uint64
	typ   reflect.Type // the future's type, named in reports

	// Set for the future BlockOn drives, whose result is kept, not logged.
	root    bool
	rootRes future.Poll[struct{}]
	stalled *StallError
}

// name is the type of the task's future, for reports.
func (t *task) name() string {
	if t.typ == nil {
		return "<nil>"
	}
	return t.typ.String()
}

// Wake schedules the task; it is safe from any goroutine.
func (t *task) Wake() {
	for {
		switch s := t.state.Load(); s {
		case taskIdle:
			if t.state.CompareAndSwap(taskIdle, taskScheduled) {
				t.loop.inject(t)
				return
			}
		case taskRunning:
			if t.state.CompareAndSwap(taskRunning, taskNotified) {
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
		switch s := t.state.Load(); s {
		case taskIdle:
			if t.state.CompareAndSwap(taskIdle, taskScheduled) {
				t.loop.runq.push(t)
				return
			}
		case taskRunning:
			if t.state.CompareAndSwap(taskRunning, taskNotified) {
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
	t.state.Store(taskRunning)
	taskctx.BeginPoll(t.cx)
	defer func() {
		if v := recover(); v != nil {
			done = true
			res = future.Fail[struct{}](&future.PanicError{Future: t.name(), Value: v, Stack: debug.Stack()})
		}
		if done {
			t.state.Store(taskDone)
			t.fut = nil
		}
	}()
	res = t.fut.Poll(t.cx)
	if res.IsReady() {
		return true, res
	}
	return false, res
}

// park moves a task that answered pending back to idle, or queues it again
// if it was woken while it ran. It reports whether the task is now idle.
func (t *task) park() bool {
	if t.state.CompareAndSwap(taskRunning, taskIdle) {
		return true
	}
	t.state.Store(taskScheduled) // notified while running
	t.loop.runq.push(t)
	return false
}

// runQueue is the loop's local FIFO of scheduled tasks, touched only by the
// loop goroutine: a ring buffer that grows, never shrinks.
type runQueue struct {
	buf        []*task
	head, size int
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
