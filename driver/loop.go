package driver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
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

	// Logf receives the driver's reports as formatted text: tasks that
	// failed or panicked, tasks cancelled at shutdown, stalled tasks. Tests
	// pass t.Logf here. When Logf is nil the reports go to Logger.
	Logf func(format string, args ...any)

	// Logger receives the driver's reports when Logf is nil, as records of
	// level Warn (a task's failure, a stall, tasks cancelled at shutdown)
	// whose message is the report's text. Nil means slog.Default(), which
	// writes through package log unless the program set another handler.
	Logger *slog.Logger

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
	// cx is the Context of the task being polled, pointed at each task in
	// turn (task.poll), and pollState the bookkeeping of that poll, which
	// cx and the contexts derived from it share; loop goroutine only. One
	// per loop, not one per task: neither outlives its poll.
	cx        future.Context
	pollState taskctx.State
	timers    timerWheel
	base      time.Time

	live taskSet   // the live tasks; loop goroutine only
	root *rootTask // the task of the running BlockOn's future, if any

	injectMu     sync.Mutex // guards injected and injectClosed
	injected     []*task
	injectClosed bool    // set by Close before its last drain: nothing more gets in
	spare        []*task // the other half of the double buffer; loop only

	waits    uint64          // calls to Poller.Wait so far; loop goroutine only (tests read it)
	counts   counters        // the Stats counters; loop goroutine only, published by publish
	pub      published       // what Stats reads, from any goroutine
	rt       *Runtime        // the runtime the loop is part of; nil for a lone loop
	stop     stopSignal      // what Stopping futures wait for
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
		cfg.Logf = slogf(cfg.Logger)
	}
	if cfg.EventsPerWait <= 0 {
		cfg.EventsPerWait = 1024
	}
	l := &Loop{cfg: cfg, poller: p, events: make([]netpoll.Event, cfg.EventsPerWait),
		base: time.Now()}
	l.registry = netpoll.NewRegistry(p, l.wakeFromReactor)
	l.park = netpoll.NewParker(p)
	taskctx.Init(&l.cx, &l.pollState, nil, l) // task.poll points it at each task (taskctx.Rebind)
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
func (l *Loop) Spawn(f future.Future[struct{}]) { l.start(&task{}, f) }

// start is Spawn of f as t, a zero task (or one holding only f).
func (l *Loop) start(t *task, f future.Future[struct{}]) {
	if !l.closed.Load() {
		t.init(l, f)
		t.state().Store(taskScheduled)
		l.pub.spawning.Add(1) // counted as load until drainInject adopts it
		if l.inject(t) {
			return
		}
		l.pub.spawning.Add(-1)
	}
	t.fut = nil
	l.cfg.Logf("driver: Spawn on a closed loop: task %T dropped", f)
}

// spawnFrom is Spawn of f as t (a zero task, or one holding only f) by a
// future polled with cx, whose executor is l. When cx's task is one l is
// polling now (on l's goroutine, inside its turn), the new task is adopted
// and pushed onto the local run queue at once, behind the tasks already
// scheduled, instead of going through the inject queue's lock and waiting
// for the next drain: it runs in this same turn. Otherwise, and on a
// closed loop, it is start's.
func (l *Loop) spawnFrom(cx *future.Context, t *task, f future.Future[struct{}]) {
	if !taskctx.Polling(cx) || l.closed.Load() {
		l.start(t, f)
		return
	}
	t.init(l, f)
	t.state().Store(taskScheduled)
	l.adopt(t)
	l.pub.tasks.Store(int64(l.live.n))
	l.runq.push(t)
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
	// Only the injector that turns the flag off kicks: the others of the
	// same burst know the loop is already being woken, and the loop looks
	// at the inject queue after every wait. So a burst of cross-goroutine
	// wake-ups costs one kick per sleep (and the poller coalesces kicks
	// again, until its next Wait).
	if l.sleeping.Load() && l.sleeping.CompareAndSwap(true, false) {
		l.pub.kicks.Add(1)
		l.poller.Wake()
	}
	return true
}

// wakeFromReactor is how the registry wakes a task while dispatching events
// on the loop goroutine: our own tasks take the lock-free path.
func (l *Loop) wakeFromReactor(w future.Waker) {
	if t, ok := w.(*task); ok && t.loop() == l {
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
	var adopted int64
	for i, t := range batch {
		if !l.live.has(t) && t.state().Load() != taskDone {
			l.adopt(t)
			adopted++
		}
		l.runq.push(t)
		batch[i] = nil
	}
	if len(batch) > 0 {
		l.counts.injected += uint64(len(batch))
		// The new tasks count as live before they stop counting as being
		// spawned, so the least-busy measure never misses them.
		l.pub.tasks.Store(int64(l.live.n))
		l.pub.spawning.Add(-adopted)
	}
	// A burst (ten thousand connections accepted at once) grows the
	// buffers; keep only a small one afterwards, so idle connections do not
	// pay for the burst.
	if cap(batch) > maxIdleInject && len(batch) < cap(batch)/4 {
		batch = nil
	}
	l.spare = batch[:0]
}

// adopt makes t, a task just spawned on l, live: in the set and counted.
func (l *Loop) adopt(t *task) {
	l.live.add(t)
	l.counts.spawned++
}

// rootOf returns the root of the running BlockOn if t is its task, or nil.
func (l *Loop) rootOf(t *task) *rootTask {
	if r := l.root; r != nil && t == &r.task {
		return r
	}
	return nil
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
	if t.state().Load() == taskDone {
		// Cancelled while queued (the root of a BlockOn that was stopped):
		// nothing to poll.
		return
	}
	l.counts.polls++
	done, res := t.poll()
	if done {
		l.live.remove(t)
		root := l.rootOf(t)
		if err := res.Err(); err != nil && root == nil {
			var pe *future.PanicError
			if errors.As(err, &pe) {
				l.cfg.Logf("driver: %v\n%s", pe, pe.Stack)
			} else {
				l.cfg.Logf("driver: task %s failed: %v", t.name(), err)
			}
		}
		if root != nil {
			root.res = res
		}
		t.fut = nil
		return
	}
	// A stall is a task parked with no waker taken, or a child of a task set
	// (or Shared) that took no waker of its own context: the set polls it
	// again only when that waker fires, even if the task is woken.
	taken, child := taskctx.WakerTaken(&l.cx), taskctx.StalledChild(&l.cx)
	if parked := t.park(); l.cfg.DetectStalls && (parked && !taken || child != nil) {
		se := &StallError{Task: t.name()}
		if child != nil {
			se.Child = child.String()
		}
		l.cfg.Logf("%v", se)
		if l.cfg.OnStall != nil {
			l.cfg.OnStall(se)
		}
		if root := l.rootOf(t); root != nil {
			root.stalled = se
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
			// The wait may block this thread in epoll_wait (see
			// netpoll.Parker): let the goroutines readied on this P,
			// ones a task woke, say, run first, instead of waiting for
			// the runtime to take the P from the blocked thread. Before
			// sleeping is set, so that work they inject needs no Wake:
			// the check below finds it.
			//
			// Twice: Gosched puts the loop on the global run queue, and
			// one schedule in 61 takes from that queue first, which
			// would run the loop again ahead of the goroutines it
			// readied; the next schedule takes them. With GOMAXPROCS 1
			// one yield left about 2% of netconn's ping-pong round
			// trips waiting out the whole block in epoll_wait (then
			// 1 ms; now netpoll's blockFor, 10 ms).
			runtime.Gosched()
			runtime.Gosched()
			l.runq.trim()
			l.sleeping.Store(true)
			if l.hasInjected() || l.stopReq.Load() {
				timeout = 0
				l.sleeping.Store(false) // not blocking after all: no kick needed
			}
		}
		if timeout != 0 || l.waits%publishEvery == 0 {
			l.publish()
		}
		n, err := l.park.Wait(l.events, timeout)
		l.waits++
		l.sleeping.Store(false)
		if err != nil {
			return err
		}
		l.counts.events += uint64(n)
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

// Close ends the loop: it readies the loop's [Stopping] futures, lets the
// tasks still alive run for up to Config.ShutdownTimeout, then cancels the
// rest (reporting each by its future's type through Config.Logf or
// Config.Logger), closes every fd still registered with the loop, and
// releases the poller. It also shuts the blocking pool ([SpawnBlocking]):
// queued functions are dropped, and Close waits for the ones running to
// return, so no goroutine of the loop outlives it. Close is idempotent. It
// returns a
// *ShutdownError naming the cancelled tasks, if any were cancelled.
//
// Close is called by the goroutine that owns the loop, after BlockOn has
// returned; while the loop is being driven it returns [ErrRunning] (call
// [Loop.Stop] first).
func (l *Loop) Close() error {
	if l.cfg.ShutdownTimeout <= 0 {
		return l.closeCtx(expiredCtx)
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.cfg.ShutdownTimeout)
	defer cancel()
	return l.closeCtx(ctx)
}

// closeCtx is Close with the grace period given by ctx: the tasks still
// alive run until they are all done or ctx is done (no grace at all if it
// is done already), then the rest are cancelled.
func (l *Loop) closeCtx(ctx context.Context) error {
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
	l.stop.begin()
	l.drainInject()
	if l.live.n > 0 && ctx.Err() == nil {
		var expired atomic.Bool
		stop := context.AfterFunc(ctx, func() {
			expired.Store(true)
			l.poller.Wake()
		})
		deadline, _ := ctx.Deadline()
		_ = l.drive(func() bool { return l.live.n == 0 || expired.Load() }, deadline)
		stop()
	}
	// Shut the inject queue, then drain it one last time: a task spawned
	// from another goroutine is either in this drain (and cancelled below,
	// by name) or refused by inject (and reported by Spawn).
	l.injectMu.Lock()
	l.injectClosed = true
	l.injectMu.Unlock()
	l.drainInject()
	l.stopRoots()
	var err error
	if l.live.n > 0 {
		names := make([]string, 0, l.live.n)
		for l.live.n > 0 {
			t := l.live.at(l.live.n - 1)
			names = append(names, t.name())
			t.state().Store(taskDone)
			l.abandon(t) // contract 11: the task is told, and releases what it holds
			t.fut = nil
			l.live.remove(t)
		}
		sort.Strings(names)
		err = &ShutdownError{Cancelled: names}
		l.cfg.Logf("%v", err)
	}
	l.blocking.close() // after the tasks: no function of theirs runs past here
	l.closed.Store(true)
	l.registry.CloseAll()
	l.timers.clear()
	l.publish()
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
