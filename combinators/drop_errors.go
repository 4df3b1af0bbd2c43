package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// DropErrors returns a stream of the values of s with its item errors
// dropped, so that a loop over it ([ForEach], [Fold], [Collect]) goes on past
// them instead of ending with the first. To handle the errors rather than
// ignore them, look at them first: DropErrors(InspectErr(s, logIt)) logs
// each and drops it; [OrElseStream] turns each into a value instead.
//
// While s keeps yielding item errors that are ready, DropErrors spends the
// task's budget on each and yields when it is spent, as [Filter] does. It
// ends when s ends. DropErrors is lazy and allocates nothing when polled.
func DropErrors[T any](s stream.Stream[T]) stream.Stream[T] {
	return &dropErrors[T]{s: s}
}

type dropErrors[T any] struct {
	s stream.Stream[T] // nil once ended
}

func (d *dropErrors[T]) PollNext(cx *future.Context) stream.Poll[T] {
	for d.s != nil {
		p := d.s.PollNext(cx)
		if p.IsEnd() {
			d.s = nil
		}
		if !p.IsItem() || p.Err() == nil {
			return p
		}
		if !cx.SpendBudget() {
			cx.Waker().Wake()
			return stream.Pending[T]()
		}
	}
	return stream.End[T]()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (d *dropErrors[T]) Abandon() {
	abandon(&d.s)
}
