package future

import (
	"reflect"

	"github.com/eddyio/eddy/internal/taskctx"
)

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
//
// Besides the waker and the executor, a future may spend the task's
// cooperative budget ([Context.SpendBudget]). The rest of the task's
// bookkeeping (whether a waker was taken in this poll, for the driver's stall
// detector, and resetting it before each poll) belongs to the driver and is
// not part of the method set.
type Context struct {
	waker Waker
	exec  Executor
	task  *taskctx.State // the task's bookkeeping, shared with derived contexts
	taken bool           // this context handed out its waker since made or relinked
}

// NewContext returns a Context that wakes w and spawns on e. Tests use it to
// poll futures by hand; the driver makes its tasks' contexts in place. e
// may be nil, in which case futures that need a driver (sockets, Spawn)
// fail with a clear error.
func NewContext(w Waker, e Executor) *Context {
	rc := &struct {
		cx Context
		st taskctx.State
	}{} // the context and its task's bookkeeping in one allocation
	rc.cx.init(&rc.st, w, e)
	return &rc.cx
}

// init makes the zero cx the root context of a task that wakes w, runs on
// e and keeps its bookkeeping in st.
func (cx *Context) init(st *taskctx.State, w Waker, e Executor) {
	if w == nil {
		w = NoopWaker
	}
	st.Stalled, st.Budget, st.WakerTaken = nil, DefaultBudget, false // Polling is the driver's
	*cx = Context{waker: w, exec: e, task: st}
}

// Waker returns the waker of the task being polled. Calling it records that
// the poll handed its waker on, which is how the driver tells a future that
// arranged a wake-up from one that did not.
func (cx *Context) Waker() Waker {
	cx.taken = true
	cx.task.WakerTaken = true
	return cx.waker
}

// Executor returns the executor polling this context, or nil when the future
// is being polled outside any driver.
func (cx *Context) Executor() Executor { return cx.exec }

// WithWaker returns a context for polling a child future with its own
// waker w, for a combinator that must know which of its children woke (task
// sets such as FuturesUnordered give one to each child). The derived context
// shares cx's executor, budget and stall bookkeeping: a child that takes its
// waker counts for the task, and the ready answers it gives spend the task's
// budget. Making one allocates; a combinator may keep it for later polls as
// long as it is polled with the same cx.
func (cx *Context) WithWaker(w Waker) *Context {
	return &Context{waker: w, exec: cx.exec, task: cx.task}
}

// SpendBudget spends one unit of the task's cooperative budget and reports
// whether there was one to spend. The driver gives each task [DefaultBudget]
// units per poll. A combinator that keeps finding work ready (a ForEach over
// an always-ready stream) calls it on each step; when it reports false the
// combinator wakes the task and answers pending, so that other tasks get a
// turn.
func (cx *Context) SpendBudget() bool {
	if cx.task.Budget <= 0 {
		return false
	}
	cx.task.Budget--
	return true
}

// The task bookkeeping below is for the driver and for the combinators that
// poll children with derived contexts; it is reached through
// internal/taskctx, so that a future cannot reset the stall detector or the
// budget.
func init() {
	taskctx.Set(&taskctx.Hooks[*Context]{
		Init:         initRoot,
		BeginPoll:    (*Context).beginPoll,
		WakerTaken:   (*Context).wakerTaken,
		StalledChild: (*Context).stalledChild,
		Relink:       (*Context).relink,
		CheckPending: (*Context).checkPending,
		Polling:      (*Context).polling,
	})
	taskctx.SetRebind((*Context).rebind)
}

// rebind points the root context cx at the task that w wakes, keeping its
// executor and bookkeeping, and begins a poll: the driver's loop keeps one
// root context and rebinds it before each poll of a task.
func (cx *Context) rebind(w Waker) {
	cx.waker, cx.taken = w, false
	cx.beginPoll()
}

// initRoot is the driver's in-place form of NewContext: w is the task (a
// Waker) and e its loop (an Executor, or nil).
func initRoot(cx *Context, st *taskctx.State, w, e any) {
	waker, _ := w.(Waker)
	exec, _ := e.(Executor)
	cx.init(st, waker, exec)
}

// beginPoll resets the per-poll bookkeeping; the driver calls it before each
// poll of a task's root future.
func (cx *Context) beginPoll() {
	cx.task.WakerTaken = false
	cx.task.Budget = DefaultBudget
	cx.task.Stalled = nil
}

// polling reports whether the driver is polling cx's task now.
func (cx *Context) polling() bool { return cx.task.Polling }

// wakerTaken reports whether any future handed on the task's waker since
// beginPoll. A task whose root future answered pending without doing so has
// no wake-up arranged.
func (cx *Context) wakerTaken() bool { return cx.task.WakerTaken }

// stalledChild returns the type of the first child future recorded by
// checkPending since beginPoll, or nil. A task with such a child holds a
// future that can never be woken, even though wakerTaken reports true.
func (cx *Context) stalledChild() reflect.Type {
	if st := cx.task.Stalled; st != nil {
		return *st
	}
	return nil
}

// relink readies a derived context that a combinator keeps for another
// poll: it keeps its waker, links it to the task of parent, and starts a new
// poll for checkPending. It allocates nothing.
func (cx *Context) relink(parent *Context) {
	cx.exec, cx.task, cx.taken = parent.exec, parent.task, false
}

// checkPending is for combinators that poll a child future f with a derived
// context (made by WithWaker, or relinked just before the poll), as task sets
// and Shared do: they call it on that context when f answered pending. If f
// did not take this context's waker during the poll, f arranged no wake-up of
// its own, even though the task's waker was taken (by the set itself); the
// task then records f as stalled, the first such future since beginPoll, for
// the driver's stall detector, which names its type. It allocates nothing
// unless it finds a stall (the finding is kept apart, so that a task does
// not carry room for it).
func (cx *Context) checkPending(f any) {
	if !cx.taken && cx.task.Stalled == nil {
		t := reflect.TypeOf(f)
		cx.task.Stalled = &t
	}
}
