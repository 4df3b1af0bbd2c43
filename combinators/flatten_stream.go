package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// FlattenStream returns a stream of the items of each stream s yields, one
// inner stream after the other, in order (futures 0.1's Stream::flatten). It
// is sequential: s is polled for the next inner stream only once the current
// one has ended.
//
// Item errors of s and of the inner streams pass through, in order, and end
// nothing; a nil inner stream is skipped. It ends when s has ended and the
// last inner stream with it. While s keeps yielding inner streams that are
// already ended, FlattenStream spends the task's budget on each and yields
// when it is spent. FlattenStream is lazy. For a future of a stream, see
// [FlattenIntoStream].
func FlattenStream[T any](s stream.Stream[stream.Stream[T]]) stream.Stream[T] {
	return &flattenStream[T]{s: s}
}

type flattenStream[T any] struct {
	s     stream.Stream[stream.Stream[T]] // nil once ended
	inner stream.Stream[T]                // nil between inner streams
}

func (f *flattenStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	for {
		if f.inner != nil {
			p := f.inner.PollNext(cx)
			if !p.IsEnd() {
				return p
			}
			f.inner = nil
			if !cx.SpendBudget() {
				return sYield[T](cx)
			}
		}
		if f.s == nil {
			return stream.End[T]()
		}
		p := f.s.PollNext(cx)
		switch {
		case p.IsPending():
			return stream.Pending[T]()
		case p.IsEnd():
			f.s = nil
			return stream.End[T]()
		case p.Err() != nil:
			return stream.Fail[T](p.Err())
		}
		f.inner = p.Value()
	}
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (f *flattenStream[T]) Abandon() {
	abandon(&f.s)
	abandon(&f.inner)
}
