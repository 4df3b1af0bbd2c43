package future

// Waker wakes a task: it tells the driver that the task is worth polling
// again. Wake may be called from any goroutine, any number of times; waking a
// task that is already scheduled, running or finished is harmless.
type Waker interface {
	Wake()
}

// WakerFunc adapts an ordinary function to the [Waker] interface.
type WakerFunc func()

// Wake calls f.
func (f WakerFunc) Wake() { f() }

// NoopWaker is a [Waker] that does nothing. It suits polling a future by hand
// in a test when nothing needs to be woken.
var NoopWaker Waker = WakerFunc(func() {})

// Executor runs tasks. The driver's loop implements it; a future reaches the
// executor that polls it through [Context.Executor].
type Executor interface {
	// Spawn starts f as a new task. It may be called from any goroutine.
	Spawn(f Future[struct{}])
}

// DefaultBudget is the number of ready answers a task may produce in one turn
// before cooperative combinators yield to let other tasks run.
const DefaultBudget = 128

// Context is what a task hands to every future it polls: the [Waker] that
// wakes the task and the [Executor] that runs it. It is called cx by
// convention, to keep it apart from context.Context.
//
// A Context is used only during the poll it was given to; futures keep its
// Waker, never the Context itself. Derived contexts ([Context.WithWaker])
// share the task's bookkeeping with their parent.
type Context struct {
	waker Waker
	exec  Executor
	task  *taskState
}

// taskState is per-task bookkeeping shared by a context and those derived
// from it.
type taskState struct {
	wakerTaken bool // set when any context of the task handed out its waker
	budget     int  // ready answers left in this turn
}

// NewContext returns a Context that wakes w and spawns on e. The driver makes
// one per task; tests use it to poll futures by hand. e may be nil, in which
// case futures that need a driver (sockets, Spawn) fail with a clear error.
func NewContext(w Waker, e Executor) *Context {
	if w == nil {
		w = NoopWaker
	}
	return &Context{waker: w, exec: e, task: &taskState{budget: DefaultBudget}}
}

// Waker returns the waker of the task being polled. Calling it records that
// the poll handed its waker on, which is how the driver tells a future that
// arranged a wake-up from one that did not.
func (cx *Context) Waker() Waker {
	cx.task.wakerTaken = true
	return cx.waker
}

// Executor returns the executor polling this context, or nil when the future
// is being polled outside any driver.
func (cx *Context) Executor() Executor { return cx.exec }

// WithWaker returns a context for polling a child future with its own waker
// (task sets such as FuturesUnordered use one per child). It shares the
// executor and the task bookkeeping with cx. The result may be kept and
// reused across polls by the future that made it.
func (cx *Context) WithWaker(w Waker) *Context {
	return &Context{waker: w, exec: cx.exec, task: cx.task}
}

// Rewake makes a derived context wake w from now on; it lets a combinator
// reuse one context for many polls without allocating. It also relinks the
// context to the task of parent.
func (cx *Context) Rewake(parent *Context, w Waker) {
	cx.waker, cx.exec, cx.task = w, parent.exec, parent.task
}

// BeginPoll resets the per-poll bookkeeping; the driver calls it before each
// poll of a task's root future.
func (cx *Context) BeginPoll() {
	cx.task.wakerTaken = false
	cx.task.budget = DefaultBudget
}

// WakerTaken reports whether any future handed on the task's waker since
// [Context.BeginPoll]. A task whose root future answered pending without doing
// so has no wake-up arranged.
func (cx *Context) WakerTaken() bool { return cx.task.wakerTaken }

// Budget spends one unit of the task's cooperative budget and reports whether
// any was left. A combinator that keeps finding work ready (a ForEach over an
// always-ready stream) calls it on each step; when it reports false the
// combinator wakes the task and answers pending, so other tasks get a turn.
func (cx *Context) Budget() bool {
	if cx.task.budget <= 0 {
		return false
	}
	cx.task.budget--
	return true
}
