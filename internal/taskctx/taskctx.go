// Package taskctx gives the driver and the combinators that poll children
// with contexts of their own the task bookkeeping of future.Context, which
// package future keeps out of the context's public method set: a future may
// take the waker, reach the executor and spend the budget, but only the
// driver resets a poll and reads the stall detector's findings.
//
// Package future cannot import a package that imports it, so the hooks are
// stored here generically, over the context type C, and package future fills
// them in its init with its unexported methods. The functions of this package
// infer C from their arguments: taskctx.BeginPoll(cx) with cx a
// *future.Context. Calling one costs an interface type check and an
// indirect call, and allocates nothing.
package taskctx

import (
	"reflect"
)

// State is the bookkeeping of one poll of a task, which the task's contexts
// share (the root context and those derived from it). Only package future
// reads and writes its fields but Polling, which is the driver's; the type
// lives here so that the driver can keep it by value (see [Init]).
//
// Every field is about the poll under way and is reset when the next one
// begins, so the driver keeps one State per loop, not one per task: the
// loop polls one task at a time, and a context does not outlive its poll.
// The stall finding is a pointer, allocated only when a stall is found (a
// bug of the program, reported by the driver), and the budget is 16 bits.
type State struct {
	Stalled    *reflect.Type // the first child future that stalled in this poll, or nil
	Budget     int16         // ready answers left in this turn
	WakerTaken bool          // set when any context of the task handed out its waker
	// Polling is set by the driver, on the loop's goroutine, for as long as
	// it polls the task: a context whose State says so is being used on
	// that goroutine, inside the loop's turn (see [Polling]). It is false
	// in the State of a context made by future.NewContext.
	Polling bool
}

// Hooks are the bookkeeping operations of a task context of type C.
type Hooks[C any] struct {
	// Init makes cx, in place, the root context of a task that wakes w
	// (a future.Waker), runs on e (a future.Executor, or nil) and keeps
	// its bookkeeping in st, and begins a poll (as BeginPoll). The driver
	// makes one such context per loop, with the loop's State, and points
	// it at each task it polls with [Rebind].
	Init func(cx C, st *State, w, e any)
	// BeginPoll resets the per-poll bookkeeping of cx's task (waker taken,
	// budget, stalled child): a new turn, for a test that polls by hand
	// (the driver's Rebind does it before each poll of a task).
	BeginPoll func(cx C)
	// WakerTaken reports whether any context of cx's task handed out its
	// waker since BeginPoll.
	WakerTaken func(cx C) bool
	// StalledChild returns the type of the first child future recorded by
	// CheckPending since BeginPoll, or nil.
	StalledChild func(cx C) reflect.Type
	// Relink readies a derived context kept by a combinator (made with
	// WithWaker) for another poll: it keeps its waker, links it to the task
	// of parent, and clears its own taken flag for CheckPending.
	Relink func(cx, parent C)
	// CheckPending records f as the task's stalled child when f answered
	// pending to a poll with the derived context cx without taking cx's
	// waker (the first such future since BeginPoll).
	CheckPending func(cx C, f any)
	// Polling reports the Polling field of cx's task State.
	Polling func(cx C) bool
}

// hooks holds the *Hooks[C] that package future set.
var hooks any

// Set installs the hooks; package future calls it from its init, before any
// package that imports future runs.
func Set[C any](h *Hooks[C]) { hooks = h }

func get[C any]() *Hooks[C] { return hooks.(*Hooks[C]) }

// Init makes cx, in place, the root context of a task that wakes w, runs
// on e and keeps its bookkeeping in st, and begins a poll.
func Init[C any](cx C, st *State, w, e any) { get[C]().Init(cx, st, w, e) }

// rebind holds the func(C, W) that package future set with SetRebind.
var rebind any

// SetRebind installs f as [Rebind]'s operation, for contexts of type C and
// wakers of type W; package future calls it from its init. It is apart
// from [Hooks] because it is typed by the waker too, so that the driver
// hands its task over as a future.Waker with no conversion at run time.
func SetRebind[C, W any](f func(cx C, w W)) { rebind = f }

// Rebind points cx, a root context made by [Init], at the task that w
// wakes, keeping its executor and State, and begins a poll (as
// [BeginPoll]). The driver calls it before each poll of a task.
func Rebind[C, W any](cx C, w W) { rebind.(func(C, W))(cx, w) }

// BeginPoll resets the per-poll bookkeeping of cx's task.
func BeginPoll[C any](cx C) { get[C]().BeginPoll(cx) }

// WakerTaken reports whether any future took the waker of cx's task since
// [BeginPoll].
func WakerTaken[C any](cx C) bool { return get[C]().WakerTaken(cx) }

// StalledChild returns the type of the first child future recorded by
// [CheckPending] since [BeginPoll], or nil.
func StalledChild[C any](cx C) reflect.Type { return get[C]().StalledChild(cx) }

// Relink readies the derived context cx for another poll under parent.
func Relink[C any](cx, parent C) { get[C]().Relink(cx, parent) }

// CheckPending is called by a combinator on the derived context cx it polled
// the child f with, when f answered pending: if f did not take cx's waker, the
// task records f as stalled.
func CheckPending[C any](cx C, f any) { get[C]().CheckPending(cx, f) }

// Polling reports whether cx belongs to a task that its driver loop is
// polling right now, which means the caller runs on that loop's goroutine
// (see [State.Polling]).
func Polling[C any](cx C) bool { return get[C]().Polling(cx) }
