package combinators

import "github.com/eddyio/eddy/stream"

// SelectStream returns a stream of the items of a and b, merged as they come
// (futures 0.1's Stream::select). It ends when both have ended.
//
// Polling is round-robin: a and b take turns at being polled first, so an
// always-ready stream cannot starve the other. Item errors pass through and
// end nothing. SelectStream is [Merge] of two streams; it is lazy.
func SelectStream[T any](a, b stream.Stream[T]) stream.Stream[T] {
	return Merge(a, b)
}
