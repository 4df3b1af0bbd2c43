package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// foldSync folds a stream with a synchronous step: the engine of Collect
// and Concat. It is sequential, spends the budget per item, and ends with
// the first item error, dropping what it gathered.
type foldSync[T, A any] struct {
	s    stream.Stream[T] // nil once complete
	acc  A
	step func(A, T) A
}

func (f *foldSync[T, A]) Poll(cx *future.Context) future.Poll[A] {
	var zero A
	for f.s != nil {
		if !cx.SpendBudget() {
			return yield[A](cx)
		}
		p := f.s.PollNext(cx)
		switch {
		case p.IsPending():
			return future.Pending[A]()
		case p.IsEnd():
			acc := f.acc
			f.s, f.acc = nil, zero
			return future.Ok(acc)
		case p.Err() != nil:
			abandon(&f.s)
			f.acc = zero
			return future.Fail[A](p.Err())
		}
		f.acc = f.step(f.acc, p.Value())
	}
	return polledAfter[A]()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (f *foldSync[T, A]) Abandon() {
	abandon(&f.s)
}
