package combinators

import "github.com/eddyio/eddy/future"

// Selected is the outcome of [Select]: which future finished first, its
// value, and the other future, not finished, handed back.
type Selected[T any] struct {
	// Index is 0 if the first argument of Select finished first, 1 if the
	// second did.
	Index int
	// Value is the winner's value (the zero value if it failed).
	Value T
	// Other is the future that did not finish. It has been polled but has not
	// completed: poll it on to completion, or drop it to cancel it.
	Other future.Future[T]
}

// Select returns a future that runs a and b concurrently, within the polling
// task, and completes as soon as either completes: with a [Selected] that
// holds the winner's value and hands back the loser. If the winner failed,
// Select completes with that error and with the Selected as well (as an
// io.Reader returns n with its error), so the loser is never lost.
//
// Each poll polls a, then b, and stops at the first that is ready: when both
// could finish, a wins and b is handed back unpolled in that poll. Select is
// lazy.
func Select[T any](a, b future.Future[T]) future.Future[Selected[T]] {
	return &selectTwo[T]{a: a, b: b}
}

type selectTwo[T any] struct {
	a, b future.Future[T] // both nil once complete
}

func (s *selectTwo[T]) Poll(cx *future.Context) future.Poll[Selected[T]] {
	if s.a == nil {
		return polledAfter[Selected[T]]()
	}
	if p := s.a.Poll(cx); p.IsReady() {
		return s.finish(0, p, s.b)
	}
	if p := s.b.Poll(cx); p.IsReady() {
		return s.finish(1, p, s.a)
	}
	return future.Pending[Selected[T]]()
}

func (s *selectTwo[T]) finish(i int, p future.Poll[T], other future.Future[T]) future.Poll[Selected[T]] {
	s.a, s.b = nil, nil
	return future.Result(Selected[T]{Index: i, Value: p.Value(), Other: other}, p.Err())
}
