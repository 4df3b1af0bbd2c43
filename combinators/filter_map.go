package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// FilterMap returns a stream of fn(v) for each value v of s for which fn
// reports true; values for which it reports false are dropped. It is [Filter]
// and [MapStream] in one step.
//
// Item errors pass through, in order, without calling fn; an error does not
// end the stream. While fn keeps dropping ready values, FilterMap spends the
// task's budget on each; when it is spent it wakes the task and answers
// pending. FilterMap is lazy.
func FilterMap[T, U any](s stream.Stream[T], fn func(T) (U, bool)) stream.Stream[U] {
	return &sFilterMap[T, U]{s: s, fn: fn}
}

type sFilterMap[T, U any] struct {
	s  stream.Stream[T] // nil once ended
	fn func(T) (U, bool)
}

func (f *sFilterMap[T, U]) PollNext(cx *future.Context) stream.Poll[U] {
	for f.s != nil {
		p := f.s.PollNext(cx)
		switch {
		case p.IsPending():
			return stream.Pending[U]()
		case p.IsEnd():
			f.s, f.fn = nil, nil
			return stream.End[U]()
		case p.Err() != nil:
			return stream.Fail[U](p.Err())
		}
		if v, ok := f.fn(p.Value()); ok {
			return stream.Item(v)
		}
		if !cx.SpendBudget() {
			return sYield[U](cx)
		}
	}
	return stream.End[U]()
}

// sYield wakes the task and answers pending: what a stream combinator does
// when the task's cooperative budget is spent.
func sYield[T any](cx *future.Context) stream.Poll[T] {
	cx.Waker().Wake()
	return stream.Pending[T]()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (f *sFilterMap[T, U]) Abandon() {
	abandon(&f.s)
}
