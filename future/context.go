package future

import "reflect"

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
	taken bool // this context handed out its waker since made or relinked
}

// taskState is per-task bookkeeping shared by a context and those derived
// from it.
type taskState struct {
	wakerTaken bool         // set when any context of the task handed out its waker
	budget     int          // ready answers left in this turn
	stalled    reflect.Type // the first child future that stalled in this poll
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
	cx.taken = true
	cx.task.wakerTaken = true
	return cx.waker
}

// Executor returns the executor polling this context, or nil when the future
// is being polled outside any driver.
func (cx *Context) Executor() Executor { return cx.exec }

// WithWaker returns a context for polling a child future with its own waker
// (task sets such as FuturesUnordered use one per child). It shares the
// executor and the task bookkeeping with cx; whether the child took its
// waker is also tracked per derived context, for [Context.CheckPending]. The
// result may be kept and reused across polls by the future that made it
// (relinked by [Context.Rewake] before each).
func (cx *Context) WithWaker(w Waker) *Context {
	return &Context{waker: w, exec: cx.exec, task: cx.task}
}

// Rewake makes a derived context wake w from now on; it lets a combinator
// reuse one context for many polls without allocating. It also relinks the
// context to the task of parent, and starts a new poll for
// [Context.CheckPending].
func (cx *Context) Rewake(parent *Context, w Waker) {
	cx.waker, cx.exec, cx.task, cx.taken = w, parent.exec, parent.task, false
}

// CheckPending is for combinators that poll a child future f with a context
// of its own (made by [Context.WithWaker] or relinked by [Context.Rewake]
// just before the poll), as task sets and Shared do: they call it on that
// context when f answered pending. If f did not take this context's waker
// during the poll, f arranged no wake-up of its own, even though the task's
// waker was taken (by the set itself); the task then records f as stalled, the first
// such future since [Context.BeginPoll], for the driver's stall detector
// ([Context.StalledChild]), which names its type. It allocates nothing.
func (cx *Context) CheckPending(f any) {
	if !cx.taken && cx.task.stalled == nil {
		cx.task.stalled = reflect.TypeOf(f)
	}
}

// BeginPoll resets the per-poll bookkeeping; the driver calls it before each
// poll of a task's root future.
func (cx *Context) BeginPoll() {
	cx.task.wakerTaken = false
	cx.task.budget = DefaultBudget
	cx.task.stalled = nil
}

// WakerTaken reports whether any future handed on the task's waker since
// [Context.BeginPoll]. A task whose root future answered pending without doing
// so has no wake-up arranged.
func (cx *Context) WakerTaken() bool { return cx.task.wakerTaken }

// StalledChild is for the driver: it returns the type of the first child
// future recorded by [Context.CheckPending] since [Context.BeginPoll] as
// having answered pending without taking its own context's waker, or nil. A
// task with such a child holds a future that can never be woken, even though
// [Context.WakerTaken] reports true.
func (cx *Context) StalledChild() reflect.Type { return cx.task.stalled }

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
