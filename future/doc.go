// Package future defines eddy's unit of asynchronous work: the lazy,
// poll-based [Future], the [Poll] result it answers with, and the task
// [Context] and [Waker] through which a future that cannot finish yet arranges
// to be polled again.
//
// # Futures are inert
//
// Building a future performs no I/O, starts no goroutine and registers
// nothing. Only [Future.Poll] does work, and a future is polled only by a
// driver loop (package driver) or by another future that owns it. A pipeline
// of futures is therefore a value: it can be built, passed around, combined
// (package combinators) and tested before anything happens.
//
// # Pending is a state, not an error
//
// Poll answers one of three things: ready with a value, ready with an error,
// or pending. Pending is not an error and never becomes one; an error is never
// reported as pending. See [Poll].
//
// # The wake-up rule
//
// A future that answers pending must, during that same poll, have handed the
// waker of the context ([Context.Waker]) to whatever will make progress: the
// reactor (a socket not yet readable), a timer, a channel, another task. When
// that thing is ready it calls [Waker.Wake] and the driver polls the task
// again. A pending answer with no wake-up arranged hangs the task forever;
// the driver's stall detector reports such tasks (see package driver).
//
// Leaf futures written by hand follow this pattern:
//
//	func (f *myFuture) Poll(cx *future.Context) future.Poll[int] {
//		if v, ok := f.source.TryTake(); ok {
//			return future.Ok(v)
//		}
//		f.source.NotifyOnReady(cx.Waker()) // the wake-up is arranged
//		return future.Pending[int]()
//	}
//
// # Abandonment
//
// Go has no drop, so a future that its owner gives up before it finished (the
// loser of a select, the inner future of a timeout that fired, a member of an
// abandoned task set, a task the driver cancels at shutdown) is told so
// through the optional interface [Abandoner], which [Abandon] calls.
// Combinators that hold futures pass it down; leaves that hold a resource (a
// timer entry, a semaphore request, a channel reservation, a pooled buffer)
// release it at once. A future written by hand that holds such a thing
// implements Abandon.
//
// # After completion
//
// Once a future has answered ready it must not be polled again. The futures
// in this module answer a second poll with [ErrPolledAfterCompletion] rather
// than repeating a side effect or panicking.
package future
