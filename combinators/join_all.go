package combinators

import (
	"slices"

	"github.com/eddyio/eddy/future"
)

// JoinAll returns a future that runs all of fs concurrently, within the
// polling task, and completes with their values in the order of fs once all
// have succeeded (an empty, non-nil slice for no futures).
//
// Each poll polls the futures that have not completed yet, in order; a future
// that has completed is not polled again. The first error wins: JoinAll fails
// with it at once and drops the other futures without polling them again.
// JoinAll keeps its own copy of fs. It is lazy.
func JoinAll[T any](fs []future.Future[T]) future.Future[[]T] {
	return &joinAll[T]{fs: slices.Clone(fs), out: make([]T, len(fs)), left: len(fs)}
}

type joinAll[T any] struct {
	fs   []future.Future[T] // an entry is nil once it completed; fs is nil once done
	out  []T
	left int // entries of fs not completed yet
}

func (j *joinAll[T]) Poll(cx *future.Context) future.Poll[[]T] {
	if j.out == nil {
		return polledAfter[[]T]()
	}
	for i := range j.fs {
		if j.fs[i] == nil {
			continue
		}
		if err := joinStep(&j.fs[i], &j.out[i], cx); err != nil {
			abandonAll(&j.fs) // the others are given up
			j.out = nil
			return future.Fail[[]T](err)
		}
		if j.fs[i] == nil {
			j.left--
		}
	}
	if j.left > 0 {
		return future.Pending[[]T]()
	}
	out := j.out
	j.fs, j.out = nil, nil
	return future.Ok(out)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (j *joinAll[T]) Abandon() {
	abandonAll(&j.fs)
	j.out = nil
}
