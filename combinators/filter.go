package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Filter returns a stream of the values v of s for which pred(v) is true.
//
// Item errors pass through without calling pred. While pred keeps rejecting
// ready values, Filter spends the task's budget ([future.Context.SpendBudget]) on
// each; when the budget is spent it wakes the task and answers pending, so a
// stream whose values are all rejected cannot starve the loop. Filter is lazy.
func Filter[T any](s stream.Stream[T], pred func(T) bool) stream.Stream[T] {
	return &filter[T]{s: s, pred: pred}
}

type filter[T any] struct {
	s    stream.Stream[T] // nil once ended
	pred func(T) bool
}

func (f *filter[T]) PollNext(cx *future.Context) stream.Poll[T] {
	for f.s != nil {
		p := f.s.PollNext(cx)
		if p.IsEnd() {
			f.s, f.pred = nil, nil
		}
		if !p.IsItem() || p.Err() != nil || f.pred(p.Value()) {
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
func (f *filter[T]) Abandon() {
	abandon(&f.s)
}
