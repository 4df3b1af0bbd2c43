package driver

import (
	"errors"
	"fmt"
	"log"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/taskctx"
)

// ErrStopped is returned by [BlockOn] when [Loop.Stop] ended it before its
// future completed.
var ErrStopped = errors.New("driver: loop stopped")

// ErrLoopClosed is returned when a closed loop is asked to run.
var ErrLoopClosed = errors.New("driver: loop closed")

// ErrRunning is returned by [BlockOn] when the loop is already running
// another future: a loop is driven by one goroutine at a time.
var ErrRunning = errors.New("driver: loop already running")

// Config configures a [Loop]. The zero Config is ready to use.
type Config struct {
	// ShutdownTimeout is how long Close keeps running the tasks still
	// alive before it cancels them. Zero cancels them at once.
	ShutdownTimeout time.Duration

	// Logf receives the driver's reports: tasks that failed or panicked,
	// tasks cancelled at shutdown, stalled tasks. Nil means log.Printf.
	Logf func(format string, args ...any)

	// DetectStalls turns on the lost-wake-up detector: a task whose poll
	// answers pending without any future having taken the task's waker
	// (see future.Context.Waker) can never be woken. The driver reports it
	// through Logf and OnStall, and BlockOn fails with a *StallError if its
	// own future stalls. Meant for tests and debugging; the check is cheap.
	DetectStalls bool

	// OnStall, if set, is called with each stall the detector finds.
	OnStall func(*StallError)

	// EventsPerWait bounds how many readiness events one wait on the
	// poller returns. Zero means 1024.
	EventsPerWait int

	// BlockingThreads bounds the goroutines of the loop's blocking pool
	// (SpawnBlocking, and file I/O through package fs). Zero means
	// DefaultBlockingThreads.
	BlockingThreads int

	// BlockingQueue bounds the functions queued on the blocking pool while
	// every goroutine is busy; a SpawnBlocking polled while it is full waits
	// (pending) for a slot. Zero means DefaultBlockingQueue.
	BlockingQueue int
}

// StallError reports a task that answered pending with no wake-up arranged,
// or a child of one of its task sets (or of a Shared) that did so: the set
// polls such a child again only when the child's own waker fires, so it
// hangs even if the task is woken.
type StallError struct {
	Task  string // the type of the task's future
	Child string // the type of the stalled child future; empty when the task itself stalled
}

// Error names the task, and the child when a child stalled.
func (e *StallError) Error() string {
	if e.Child != "" {
		return fmt.Sprintf("driver: task %s: child %s answered pending without taking its own context's waker; it would never be polled again", e.Task, e.Child)
	}
	return fmt.Sprintf("driver: task %s answered pending without arranging a wake-up (no future took cx.Waker()); it would hang forever", e.Task)
}

// Loop is a driver loop: one goroutine that polls tasks, waits on the
// reactor for readiness, and fires timers. Sockets polled by a loop's tasks
// are registered with that loop and belong to it.
//
// Spawn, Stop and the wakers of its tasks are safe from any goroutine;
// BlockOn and Close are called by the goroutine that owns the loop.
type Loop struct {
	cfg      Config
	poller   *netpoll.Poller
	registry *netpoll.Registry
	events   []netpoll.Event
	runq     runQueue // loop goroutine only
	timers   timerHeap
	base     time.Time

	tasks  map[*task]struct{} // live tasks; loop goroutine only
	nextID uint64

	injectMu     sync.Mutex // guards injected and injectClosed
	injected     []*task
	injectClosed bool    // set by Close before its last drain: nothing more gets in
	spare        []*task // the other half of the double buffer; loop only

	waits    uint64          // calls to Poller.Wait so far; loop goroutine only (tests read it)
	park     *netpoll.Parker // waits for the poller's events, parking the goroutine where it can
	sleeping atomic.Bool     // the loop is (about to be) blocked in Wait
	stopReq  atomic.Bool
	running  atomic.Bool
	closed   atomic.Bool
	closeMu  sync.Mutex

	blocking blockingPool // SpawnBlocking's goroutines; started on first use
}

func init() {
	netpoll.SetHost(func(e future.Executor) *netpoll.Registry {
		if l, ok := e.(*Loop); ok {
			return l.registry
		}
		return nil
	})
}

// New returns a loop with its own poller. The loop does nothing until
// [BlockOn] drives it; [Loop.Close] releases it.
func New(cfg Config) (*Loop, error) {
	p, err := netpoll.Open()
	if err != nil {
		return nil, err
	}
	if cfg.Logf == nil {
		cfg.Logf = log.Printf
	}
	if cfg.EventsPerWait <= 0 {
		cfg.EventsPerWait = 1024
	}
	l := &Loop{cfg: cfg, poller: p, events: make([]netpoll.Event, cfg.EventsPerWait),
		base: time.Now(), tasks: make(map[*task]struct{})}
	l.registry = netpoll.NewRegistry(p, l.wakeFromReactor)
	l.park = netpoll.NewParker(p)
	return l, nil
}

// LoopOf returns the loop polling cx, or an error that says how to run the
// future on one.
func LoopOf(cx *future.Context) (*Loop, error) {
	if l, ok := cx.Executor().(*Loop); ok {
		return l, nil
	}
	return nil, future.ErrNoDriver
}

// Spawn starts f as a new task on the loop. It is safe from any goroutine;
// the task first runs when the loop is driven. A task's error is reported
// through Config.Logf; a panic ends only that task.
//
// A Spawn that races [Loop.Close] has one of two outcomes, never none: the
// task gets in before Close's last look, and then runs during the shutdown
// timeout or is named among the cancelled tasks of its *ShutdownError; or
// it arrives after, and is dropped and reported through Config.Logf.
func (l *Loop) Spawn(f future.Future[struct{}]) {
	if !l.closed.Load() {
		t := &task{loop: l, fut: f, typ: reflect.TypeOf(f)}
		t.cx = future.NewContext(t, l)
		t.state.Store(taskScheduled)
		if l.inject(t) {
			return
		}
	}
	l.cfg.Logf("driver: Spawn on a closed loop: task %T dropped", f)
}

// Stop makes the loop's current (or next) BlockOn return [ErrStopped]
// promptly. It is safe from any goroutine and may be called more than once.
func (l *Loop) Stop() {
	l.stopReq.Store(true)
	l.poller.Wake()
}

// inject queues a task from any goroutine and kicks the poller if the loop
// may be blocked in it. It reports false, queueing nothing, once Close has
// shut the queue.
func (l *Loop) inject(t *task) bool {
	l.injectMu.Lock()
	if l.injectClosed {
		l.injectMu.Unlock()
		return false
	}
	l.injected = append(l.injected, t)
	l.injectMu.Unlock()
	if l.sleeping.Load() {
		l.poller.Wake() // the poller coalesces kicks until its next Wait
	}
	return true
}

// wakeFromReactor is how the registry wakes a task while dispatching events
// on the loop goroutine: our own tasks take the lock-free path.
func (l *Loop) wakeFromReactor(w future.Waker) {
	if t, ok := w.(*task); ok && t.loop == l {
		t.wakeLocal()
		return
	}
	w.Wake()
}

func (l *Loop) drainInject() {
	l.injectMu.Lock()
	batch := l.injected
	l.injected = l.spare[:0]
	l.injectMu.Unlock()
	for i, t := range batch {
		if t.id == 0 {
			l.nextID++
			t.id = l.nextID
			l.tasks[t] = struct{}{}
		}
		l.runq.push(t)
		batch[i] = nil
	}
	// A burst (ten thousand connections accepted at once) grows the
	// buffers; keep only a small one afterwards, so idle connections do not
	// pay for the burst.
	if cap(batch) > maxIdleInject && len(batch) < cap(batch)/4 {
		batch = nil
	}
	l.spare = batch[:0]
}

// maxIdleInject is the capacity an inject buffer keeps after a burst.
const maxIdleInject = 1024

func (l *Loop) hasInjected() bool {
	l.injectMu.Lock()
	defer l.injectMu.Unlock()
	return len(l.injected) > 0
}

// runTask polls one scheduled task and settles it.
func (l *Loop) runTask(t *task) {
	if t.state.Load() == taskDone {
		// Cancelled while queued (the root of a BlockOn that was stopped):
		// nothing to poll.
		return
	}
	done, res := t.poll()
	if done {
		delete(l.tasks, t)
		if err := res.Err(); err != nil && !t.root {
			var pe *future.PanicError
			if errors.As(err, &pe) {
				l.cfg.Logf("driver: %v\n%s", pe, pe.Stack)
			} else {
				l.cfg.Logf("driver: task %s failed: %v", t.name(), err)
			}
		}
		if t.root {
			t.rootRes = res
		}
		return
	}
	// A stall is a task parked with no waker taken, or a child of a task set
	// (or Shared) that took no waker of its own context: the set polls it
	// again only when that waker fires, even if the task is woken.
	taken, child := taskctx.WakerTaken(t.cx), taskctx.StalledChild(t.cx)
	if parked := t.park(); l.cfg.DetectStalls && (parked && !taken || child != nil) {
		se := &StallError{Task: t.name()}
		if child != nil {
			se.Child = child.String()
		}
		l.cfg.Logf("%v", se)
		if l.cfg.OnStall != nil {
			l.cfg.OnStall(se)
		}
		if t.root {
			t.stalled = se
		}
	}
}

// maxPerTick bounds the tasks polled between two looks at the reactor, so
// that busy tasks cannot hold off I/O readiness and timers.
const maxPerTick = 256

// drive runs the loop until until() reports true, Stop is called, or the
// deadline (if not zero) passes.
func (l *Loop) drive(until func() bool, deadline time.Time) error {
	for {
		if until() {
			return nil
		}
		if l.stopReq.Swap(false) { // a Stop before BlockOn counts too
			return ErrStopped
		}
		l.drainInject()
		for range maxPerTick {
			t := l.runq.pop()
			if t == nil {
				break
			}
			l.runTask(t)
			if until() {
				return nil
			}
		}
		timeout := l.nextTimeout(deadline)
		if !deadline.IsZero() && !time.Now().Before(deadline) {
			return nil
		}
		if timeout != 0 {
			l.sleeping.Store(true)
			if l.hasInjected() || l.stopReq.Load() {
				timeout = 0
				l.sleeping.Store(false) // not blocking after all: no kick needed
			}
		}
		n, err := l.park.Wait(l.events, timeout)
		l.waits++
		l.sleeping.Store(false)
		if err != nil {
			return err
		}
		l.registry.Dispatch(l.events[:n])
		l.fireTimers()
	}
}

// nextTimeout is how long the loop may block in the poller.
func (l *Loop) nextTimeout(deadline time.Time) time.Duration {
	if l.runq.size > 0 {
		return 0
	}
	timeout := time.Duration(-1)
	if when, ok := l.timers.next(); ok {
		timeout = max(when-l.now(), 0)
	}
	if !deadline.IsZero() {
		d := max(time.Until(deadline), 0)
		if timeout < 0 || d < timeout {
			timeout = d
		}
	}
	return timeout
}

// now is the loop's clock: monotonic time since the loop was made.
func (l *Loop) now() time.Duration { return time.Since(l.base) }

// Executor: the loop runs tasks.
var _ future.Executor = (*Loop)(nil)

// Close ends the loop: it lets the tasks still alive run for up to
// Config.ShutdownTimeout, then cancels the rest (reporting each by its
// future's type through Config.Logf), closes every fd still registered with
// the loop, and releases the poller. It also shuts the blocking pool
// ([SpawnBlocking]): queued functions are dropped, and Close waits for the
// ones running to return, so no goroutine of the loop outlives it. Close is
// idempotent. It returns a
// *ShutdownError naming the cancelled tasks, if any were cancelled.
//
// Close is called by the goroutine that owns the loop, after BlockOn has
// returned; while the loop is being driven it returns [ErrRunning] (call
// [Loop.Stop] first).
func (l *Loop) Close() error {
	l.closeMu.Lock()
	defer l.closeMu.Unlock()
	if l.closed.Load() {
		return nil
	}
	if l.running.Load() {
		return ErrRunning
	}
	l.stopReq.Store(false)
	l.running.Store(true)
	l.drainInject()
	if len(l.tasks) > 0 && l.cfg.ShutdownTimeout > 0 {
		deadline := time.Now().Add(l.cfg.ShutdownTimeout)
		_ = l.drive(func() bool { return len(l.tasks) == 0 }, deadline)
	}
	// Shut the inject queue, then drain it one last time: a task spawned
	// from another goroutine is either in this drain (and cancelled below,
	// by name) or refused by inject (and reported by Spawn).
	l.injectMu.Lock()
	l.injectClosed = true
	l.injectMu.Unlock()
	l.drainInject()
	var err error
	if len(l.tasks) > 0 {
		names := make([]string, 0, len(l.tasks))
		for t := range l.tasks {
			names = append(names, t.name())
			t.state.Store(taskDone)
			t.fut = nil
		}
		sort.Strings(names)
		err = &ShutdownError{Cancelled: names}
		l.cfg.Logf("%v", err)
		clear(l.tasks)
	}
	l.blocking.close() // after the tasks: no function of theirs runs past here
	l.closed.Store(true)
	l.registry.CloseAll()
	l.timers.clear()
	l.running.Store(false)
	l.park.Close()
	if cerr := l.poller.Close(); err == nil {
		err = cerr
	}
	return err
}

// ShutdownError lists the tasks that [Loop.Close] cancelled because they
// were still running when the shutdown timeout ran out.
type ShutdownError struct {
	Cancelled []string // the types of the cancelled tasks' futures
}

func (e *ShutdownError) Error() string {
	return fmt.Sprintf("driver: cancelled %d task(s) still running at shutdown: %s",
		len(e.Cancelled), strings.Join(e.Cancelled, ", "))
}
