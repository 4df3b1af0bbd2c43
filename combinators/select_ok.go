package combinators

import (
	"slices"

	"github.com/eddyio/eddy/future"
)

// SelectOk returns a future that runs all of fs concurrently, within the
// polling task, and completes with the first of them to succeed: a
// [SelectedAll] holding its index in fs and its value; the futures that have
// not finished are abandoned (future.Abandon). A future that fails is dropped
// and not polled again; if all fail, SelectOk fails with the error of the last
// one to fail (futures 0.1's select_ok). Typical use: try several replicas,
// take the first answer.
//
// Each poll polls the unfinished futures in order and stops at the first
// success. SelectOk keeps its own copy of fs; it fails with [ErrNoFutures] if
// fs is empty. It is lazy.
func SelectOk[T any](fs []future.Future[T]) future.Future[SelectedAll[T]] {
	return &selectOk[T]{fs: slices.Clone(fs), left: len(fs), started: true}
}

type selectOk[T any] struct {
	fs      []future.Future[T] // an entry is nil once it failed
	left    int                // entries not failed
	started bool               // false once complete
}

func (s *selectOk[T]) Poll(cx *future.Context) future.Poll[SelectedAll[T]] {
	if !s.started {
		return polledAfter[SelectedAll[T]]()
	}
	var err error = ErrNoFutures
	for i, f := range s.fs {
		if f == nil {
			continue
		}
		p := f.Poll(cx)
		switch {
		case p.IsPending():
			continue
		case p.Err() == nil:
			return s.finish(SelectedAll[T]{Index: i, Value: p.Value()}, nil)
		}
		s.fs[i], err = nil, p.Err()
		s.left--
	}
	if s.left > 0 {
		return future.Pending[SelectedAll[T]]()
	}
	return s.finish(SelectedAll[T]{}, err)
}

// rest returns the unfinished futures other than the winner w.
func (s *selectOk[T]) finish(sel SelectedAll[T], err error) future.Poll[SelectedAll[T]] {
	s.started = false
	abandonAll(&s.fs) // the winner is done, and the others are given up
	return future.Result(sel, err)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (s *selectOk[T]) Abandon() {
	abandonAll(&s.fs)
}
