package combinators

import (
	"errors"
	"slices"

	"github.com/eddyio/eddy/future"
)

// ErrNoFutures is the error [SelectAll] and [SelectOk] fail with when they
// are given no futures, since no future could ever win.
var ErrNoFutures = errors.New("combinators: select over no futures")

// SelectedAll is the outcome of [SelectAll] and [SelectOk]: which future won,
// and its value.
type SelectedAll[T any] struct {
	// Index is the position of the winner in the slice given to SelectAll or
	// SelectOk.
	Index int
	// Value is the winner's value (the zero value if it failed).
	Value T
}

// SelectAll returns a future that runs all of fs concurrently, within the
// polling task, and completes as soon as one of them completes: with a
// [SelectedAll] holding that future's index and value. If the winner failed,
// SelectAll completes with its error and with the SelectedAll as well. The
// others are abandoned (future.Abandon), as [Select]'s loser is; to keep
// them running, use a [FuturesUnordered].
//
// Each poll polls the futures in order and stops at the first that is ready.
// SelectAll keeps its own copy of fs; it fails with [ErrNoFutures] if fs is
// empty. It is lazy.
func SelectAll[T any](fs []future.Future[T]) future.Future[SelectedAll[T]] {
	return &selectAll[T]{fs: slices.Clone(fs), started: true}
}

type selectAll[T any] struct {
	fs      []future.Future[T]
	started bool // false once complete
}

func (s *selectAll[T]) Poll(cx *future.Context) future.Poll[SelectedAll[T]] {
	if !s.started {
		return polledAfter[SelectedAll[T]]()
	}
	if len(s.fs) == 0 {
		s.started = false
		return future.Fail[SelectedAll[T]](ErrNoFutures)
	}
	for i, f := range s.fs {
		if p := f.Poll(cx); p.IsReady() {
			s.started = false
			abandonAll(&s.fs) // the winner is done, and the others are given up
			return future.Result(SelectedAll[T]{Index: i, Value: p.Value()}, p.Err())
		}
	}
	return future.Pending[SelectedAll[T]]()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (s *selectAll[T]) Abandon() {
	abandonAll(&s.fs)
}
