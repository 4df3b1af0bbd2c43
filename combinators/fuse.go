package combinators

import "github.com/eddyio/eddy/future"

// Fuse returns a future that completes as f does and, once complete, answers
// every later poll with pending instead of [future.ErrPolledAfterCompletion],
// without polling f again. A fused future can stay in a set of futures that is
// polled over and over (a hand-written select loop) after it finished.
//
// The pending of a finished Fused is never woken, like [future.Never]'s: it
// takes the task's waker so that the driver does not report the task as
// stalled on its account. Use [Fused.Done] to tell it apart. Fuse is lazy.
func Fuse[T any](f future.Future[T]) *Fused[T] {
	return &Fused[T]{f: f}
}

// Fused is the future returned by [Fuse].
type Fused[T any] struct {
	f future.Future[T] // nil once complete
}

// Poll polls the inner future until it completes, and answers pending from
// then on.
func (fu *Fused[T]) Poll(cx *future.Context) future.Poll[T] {
	if fu.f == nil {
		cx.Waker()
		return future.Pending[T]()
	}
	p := fu.f.Poll(cx)
	if p.IsReady() {
		fu.f = nil
	}
	return p
}

// Done reports whether the inner future has completed.
func (fu *Fused[T]) Done() bool { return fu.f == nil }

// Abandon tells the future it holds that it is given up (future.Abandoner);
// it is not polled again.
func (fu *Fused[T]) Abandon() {
	abandon(&fu.f)
}
