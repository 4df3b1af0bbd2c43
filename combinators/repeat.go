package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Repeat returns a stream that yields v on every poll and never ends. It is
// always ready, so it is meant to be cut short ([Take], [Zip]); the loops
// that drain it spend the task's budget and yield. Repeat is lazy.
func Repeat[T any](v T) stream.Stream[T] {
	return sRepeat[T]{v: v}
}

type sRepeat[T any] struct{ v T }

func (r sRepeat[T]) PollNext(*future.Context) stream.Poll[T] { return stream.Item(r.v) }
