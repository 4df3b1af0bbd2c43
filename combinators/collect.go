package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Collect returns a future that gathers the values of s into a slice, in
// order, and completes with it when s ends (nil for an empty stream, as
// slices.Collect does).
//
// The first item error ends it with that error, and the values gathered so
// far are dropped. Collect spends the task's budget on each value, as
// [ForEach] does. Collect is lazy.
func Collect[T any](s stream.Stream[T]) future.Future[[]T] {
	return &foldSync[T, []T]{s: s, step: func(items []T, v T) []T { return append(items, v) }}
}
