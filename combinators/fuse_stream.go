package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// FuseStream returns a stream that yields the items of s and, once s has
// ended, answers every later poll with the end without polling s again, even
// if s itself would misbehave after its end. [FusedStream.Done] tells whether
// it has ended. FuseStream is lazy.
func FuseStream[T any](s stream.Stream[T]) *FusedStream[T] {
	return &FusedStream[T]{s: s}
}

// FusedStream is the stream returned by [FuseStream].
type FusedStream[T any] struct {
	s stream.Stream[T] // nil once ended
}

// PollNext polls the inner stream until it ends, and answers the end from
// then on.
func (f *FusedStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if f.s == nil {
		return stream.End[T]()
	}
	p := f.s.PollNext(cx)
	if p.IsEnd() {
		f.s = nil
	}
	return p
}

// Done reports whether the inner stream has ended.
func (f *FusedStream[T]) Done() bool { return f.s == nil }

// Abandon tells the stream it holds that it is given up (future.Abandoner);
// it is not polled again.
func (f *FusedStream[T]) Abandon() {
	abandon(&f.s)
}
