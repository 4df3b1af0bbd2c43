package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// OrElseStream returns a stream that, for each item error err of s, runs the
// future fn(err) to completion and yields its value in place of the error, or
// its error as an item error (futures 0.1's Stream::or_else). It is how a
// stream recovers from item errors.
//
// Values of s pass through, in order, without calling fn. It is sequential: s
// is not polled while a future from fn is pending. No error ends it; it ends
// when s ends. A nil future from fn yields [ErrNilFuture] as an item error.
// OrElseStream is lazy.
func OrElseStream[T any](s stream.Stream[T], fn func(error) future.Future[T]) stream.Stream[T] {
	return &handleStream[T, T]{
		s:  s,
		fn: func(p stream.Poll[T]) future.Future[T] { return fn(p.Err()) },
		pass: func(p stream.Poll[T]) (stream.Poll[T], bool) {
			return p, p.Err() == nil
		},
	}
}
