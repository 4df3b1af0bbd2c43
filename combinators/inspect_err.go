package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// InspectErr returns a stream that yields the items of s unchanged and calls
// fn(err) on each item error before yielding it (to log failed accepts, say).
// Values, the end and pending pass through without calling fn. InspectErr is
// lazy.
func InspectErr[T any](s stream.Stream[T], fn func(error)) stream.Stream[T] {
	return &sInspectErr[T]{s: s, fn: fn}
}

type sInspectErr[T any] struct {
	s  stream.Stream[T] // nil once ended
	fn func(error)
}

func (i *sInspectErr[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if i.s == nil {
		return stream.End[T]()
	}
	p := i.s.PollNext(cx)
	switch {
	case p.IsEnd():
		i.s, i.fn = nil, nil
	case p.Err() != nil:
		i.fn(p.Err())
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (i *sInspectErr[T]) Abandon() {
	abandon(&i.s)
}
