package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// SkipWhile returns a stream that drops the values of s while pred reports
// true for them, and from the first value for which it reports false yields
// that value and all the rest, without calling pred again. Item errors pass
// through, in order, without calling pred. While it drops ready values,
// SkipWhile spends the task's budget on each and yields when it is spent.
// SkipWhile is lazy.
func SkipWhile[T any](s stream.Stream[T], pred func(T) bool) stream.Stream[T] {
	return &sSkipWhile[T]{s: s, pred: pred}
}

type sSkipWhile[T any] struct {
	s    stream.Stream[T] // nil once ended
	pred func(T) bool     // nil once a value passed
}

func (k *sSkipWhile[T]) PollNext(cx *future.Context) stream.Poll[T] {
	for k.s != nil {
		p := k.s.PollNext(cx)
		if p.IsEnd() {
			k.s, k.pred = nil, nil
		}
		if !p.IsItem() || p.Err() != nil || k.pred == nil {
			return p
		}
		if !k.pred(p.Value()) {
			k.pred = nil
			return p
		}
		if !cx.SpendBudget() {
			return sYield[T](cx)
		}
	}
	return stream.End[T]()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (k *sSkipWhile[T]) Abandon() {
	abandon(&k.s)
}
