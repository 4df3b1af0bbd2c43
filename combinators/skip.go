package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Skip returns a stream of the values of s after the first n, which it
// drops. Item errors pass through, in order, and do not count. While it drops
// ready values, Skip spends the task's budget on each and yields when it is
// spent. Skip is lazy.
func Skip[T any](s stream.Stream[T], n int) stream.Stream[T] {
	return &sSkip[T]{s: s, left: n}
}

type sSkip[T any] struct {
	s    stream.Stream[T] // nil once ended
	left int
}

func (k *sSkip[T]) PollNext(cx *future.Context) stream.Poll[T] {
	for k.s != nil {
		p := k.s.PollNext(cx)
		if p.IsEnd() {
			k.s = nil
		}
		if !p.IsItem() || p.Err() != nil || k.left <= 0 {
			return p
		}
		k.left--
		if !cx.SpendBudget() {
			return sYield[T](cx)
		}
	}
	return stream.End[T]()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (k *sSkip[T]) Abandon() {
	abandon(&k.s)
}
