package combinators

import (
	"errors"

	"github.com/eddyio/eddy/future"
)

// ErrNilFuture is the error a combinator completes with when a user callback
// that must return a future (AndThen's, ForEach's, ...) returns nil instead.
// A nil future is a bug in the callback; reporting it as an error keeps the
// task that polls it alive.
var ErrNilFuture = errors.New("combinators: callback returned a nil future")

// polledAfter is the answer of a future polled after it completed.
func polledAfter[T any]() future.Poll[T] {
	return future.Fail[T](future.ErrPolledAfterCompletion)
}

// pollOwned polls *f, the last step of a future, and drops it once it is
// ready. A nil *f means that step is over.
func pollOwned[T any](f *future.Future[T], cx *future.Context) future.Poll[T] {
	if *f == nil {
		return polledAfter[T]()
	}
	p := (*f).Poll(cx)
	if p.IsReady() {
		*f = nil
	}
	return p
}

// yield wakes the task and answers pending: what a combinator does when the
// task's cooperative budget is spent.
func yield[T any](cx *future.Context) future.Poll[T] {
	cx.Waker().Wake()
	return future.Pending[T]()
}

// abandon drops the child at *p and tells it so (future.Abandon): the step
// of contract 11 that a combinator takes for every child it gives up, and
// the body of every combinator's Abandon. Telling a child that already
// completed is harmless, so a combinator need not track which did.
func abandon[X any](p *X) {
	x := *p
	var zero X
	*p = zero
	future.Abandon(x)
}

// abandonAll abandons every entry of *p and drops the slice.
func abandonAll[X any](p *[]X) {
	xs := *p
	*p = nil
	for i := range xs {
		abandon(&xs[i])
	}
}
