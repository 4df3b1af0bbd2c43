package future

// Abandoner is implemented by a future, stream or sink that must be told when
// its owner gives it up before it has finished: Go has no drop, so this is how
// what it holds is released at once instead of when the garbage collector or
// the loop's Close gets to it.
//
// Abandon is called by whoever owns the value (a combinator, a task set, the
// driver cancelling a task at shutdown), on the goroutine that polls it, and
// after it the value is not polled again. A combinator that holds futures,
// streams or sinks passes Abandon down to every one it has not finished with;
// a leaf that holds a resource for a pending operation releases it: a timer
// leaves its loop's timer wheel, a semaphore request leaves the queue (and
// hands back permits set aside for it), a bounded channel sender gives its
// reserved slot to the next sender, Copy returns its pooled buffer.
//
// Abandon releases only what the value holds for itself. It does not close a
// handle that the caller still owns (a socket, a channel receiver): closing
// stays explicit, and aio.Closing, which owns its handle, closes it when
// abandoned.
//
// An implementation must tolerate a call on a value that was never polled,
// that has already completed, or that was already abandoned: each is a
// no-op beyond the first release. Abandon must not block and must not poll.
type Abandoner interface {
	Abandon()
}

// Abandon tells x, a future, stream or sink, that its owner gives it up: it
// calls x.Abandon() if x implements [Abandoner] and does nothing otherwise
// (nil included). Combinators call it on every child they drop unfinished:
// the loser of a select, the inner future of a timeout that fired, the
// members of an abandoned task set. It allocates nothing.
func Abandon(x any) {
	if a, ok := x.(Abandoner); ok {
		a.Abandon()
	}
}
