package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// AndThenStream returns a stream that, for each value v of s, runs the future
// fn(v) to completion and yields its value, or its error as an item error
// (futures 0.1's Stream::and_then).
//
// Item errors of s pass through, in order, without calling fn. It is
// sequential: s is not polled while a future from fn is pending, and results
// come in the order of s. No error ends it; it ends when s ends. A nil future
// from fn yields [ErrNilFuture] as an item error. AndThenStream is lazy.
func AndThenStream[T, U any](s stream.Stream[T], fn func(T) future.Future[U]) stream.Stream[U] {
	return &handleStream[T, U]{
		s:  s,
		fn: func(p stream.Poll[T]) future.Future[U] { return fn(p.Value()) },
		pass: func(p stream.Poll[T]) (stream.Poll[U], bool) {
			if p.Err() != nil {
				return stream.Fail[U](p.Err()), true
			}
			return stream.Poll[U]{}, false
		},
	}
}
