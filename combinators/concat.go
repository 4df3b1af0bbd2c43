package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Concat returns a future that appends the slices s yields, in order, into
// one slice and completes with it when s ends (nil when s yields nothing or
// only empty slices), as futures 0.1's concat2 does.
//
// It is sequential, and the first item error ends it with that error; the
// slices gathered so far are dropped. Concat spends the task's budget on
// each slice, as [ForEach] does. Concat is lazy.
func Concat[T any](s stream.Stream[[]T]) future.Future[[]T] {
	return &foldSync[[]T, []T]{s: s, step: func(out, v []T) []T { return append(out, v...) }}
}
