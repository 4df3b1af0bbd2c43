package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Zip returns a stream of pairs: the first value of a with the first value
// of b, then the second with the second, and so on. It ends as soon as either
// stream ends (the value of the other waiting for its partner is dropped).
//
// Each poll polls a until it has a value, then b; a value that arrived is
// held until its partner does, so neither stream is polled ahead. An item
// error of either stream passes through as an item error at once and ends
// nothing; the value held stays held. Zip is lazy.
func Zip[A, B any](a stream.Stream[A], b stream.Stream[B]) stream.Stream[Pair[A, B]] {
	return &sZip[A, B]{a: a, b: b}
}

type sZip[A, B any] struct {
	a     stream.Stream[A] // both nil once ended
	b     stream.Stream[B]
	first A
	held  bool // first holds a's value
}

func (z *sZip[A, B]) PollNext(cx *future.Context) stream.Poll[Pair[A, B]] {
	if z.a == nil {
		return stream.End[Pair[A, B]]()
	}
	if !z.held {
		p := z.a.PollNext(cx)
		switch {
		case p.IsPending():
			return stream.Pending[Pair[A, B]]()
		case p.IsEnd():
			return z.end()
		case p.Err() != nil:
			return stream.Fail[Pair[A, B]](p.Err())
		}
		z.first, z.held = p.Value(), true
	}
	p := z.b.PollNext(cx)
	switch {
	case p.IsPending():
		return stream.Pending[Pair[A, B]]()
	case p.IsEnd():
		return z.end()
	case p.Err() != nil:
		return stream.Fail[Pair[A, B]](p.Err())
	}
	out := Pair[A, B]{First: z.first, Second: p.Value()}
	var zero A
	z.first, z.held = zero, false
	return stream.Item(out)
}

func (z *sZip[A, B]) end() stream.Poll[Pair[A, B]] {
	*z = sZip[A, B]{} // the other is not abandoned: whoever holds it may read on
	return stream.End[Pair[A, B]]()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (z *sZip[A, B]) Abandon() {
	abandon(&z.a)
	abandon(&z.b)
}
