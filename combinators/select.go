package combinators

import "github.com/eddyio/eddy/future"

// Selected is the outcome of [Select]: which future finished first, and its
// value.
type Selected[T any] struct {
	// Index is 0 if the first argument of Select finished first, 1 if the
	// second did.
	Index int
	// Value is the winner's value (the zero value if it failed).
	Value T
}

// Select returns a future that runs a and b concurrently, within the polling
// task, and completes as soon as either completes: with a [Selected] that
// says which won and holds its value. If the winner failed, Select completes
// with that error and with the Selected as well, to tell which side failed.
//
// The loser is abandoned (future.Abandon, contract 11): it is not polled
// again, and what it holds (a timer, a semaphore request, a channel
// reservation) is released at once. To keep running the futures that did not
// finish, push them into a [FuturesUnordered] instead, which yields each
// result as it comes.
//
// Each poll polls a, then b, and stops at the first that is ready: when both
// could finish, a wins. Select is lazy; abandoned itself, it abandons both.
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
		return s.finish(0, p)
	}
	if p := s.b.Poll(cx); p.IsReady() {
		return s.finish(1, p)
	}
	return future.Pending[Selected[T]]()
}

func (s *selectTwo[T]) finish(i int, p future.Poll[T]) future.Poll[Selected[T]] {
	abandon(&s.a) // the winner is done, and the loser is given up
	abandon(&s.b)
	return future.Result(Selected[T]{Index: i, Value: p.Value()}, p.Err())
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (s *selectTwo[T]) Abandon() {
	abandon(&s.a)
	abandon(&s.b)
}
