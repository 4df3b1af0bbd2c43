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
// its value, and the futures that have not finished, handed back.
type SelectedAll[T any] struct {
	// Index is the position of the winner in the slice given to SelectAll or
	// SelectOk.
	Index int
	// Value is the winner's value (the zero value if it failed).
	Value T
	// Rest holds the futures that have not finished, in their original order
	// without the winner (and, for SelectOk, without those that failed).
	Rest []future.Future[T]
}

// SelectAll returns a future that runs all of fs concurrently, within the
// polling task, and completes as soon as one of them completes: with a
// [SelectedAll] holding that future's index and value and the others. If the
// winner failed, SelectAll completes with its error and with the SelectedAll
// as well, so that the rest is not lost.
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
			rest := slices.Delete(s.fs, i, i+1)
			s.fs, s.started = nil, false
			return future.Result(SelectedAll[T]{Index: i, Value: p.Value(), Rest: rest}, p.Err())
		}
	}
	return future.Pending[SelectedAll[T]]()
}
