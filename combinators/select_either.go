package combinators

import "github.com/eddyio/eddy/future"

// Either holds one of two values of different types: Left when IsRight is
// false, Right when it is true. It is the result of [SelectEither].
//
// Futures 0.1 used an Either future to return different future types from
// the branches of an if; in Go both branches simply return the interface
// future.Future[T], so Either is only needed for values.
type Either[A, B any] struct {
	Left    A
	Right   B
	IsRight bool
}

// SelectEither returns a future that runs a and b concurrently, within the
// polling task, and completes as soon as either completes, with its value in
// an [Either] (IsRight is true when b won) or with its error, which comes
// with the Either too, to tell which side failed. The loser is abandoned
// (future.Abandon) and not polled again: this is the shape of "this, or give
// up on that" (a result or a shutdown signal, say).
//
// Each poll polls a, then b, and stops at the first that is ready.
// SelectEither is lazy.
func SelectEither[A, B any](a future.Future[A], b future.Future[B]) future.Future[Either[A, B]] {
	return &selectEither[A, B]{a: a, b: b}
}

type selectEither[A, B any] struct {
	a future.Future[A] // nil once complete
	b future.Future[B]
}

func (s *selectEither[A, B]) Poll(cx *future.Context) future.Poll[Either[A, B]] {
	if s.a == nil {
		return polledAfter[Either[A, B]]()
	}
	if p := s.a.Poll(cx); p.IsReady() {
		abandon(&s.a)
		abandon(&s.b) // the loser
		return future.Result(Either[A, B]{Left: p.Value()}, p.Err())
	}
	if p := s.b.Poll(cx); p.IsReady() {
		abandon(&s.b)
		abandon(&s.a) // the loser
		return future.Result(Either[A, B]{Right: p.Value(), IsRight: true}, p.Err())
	}
	return future.Pending[Either[A, B]]()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (s *selectEither[A, B]) Abandon() {
	abandon(&s.a)
	abandon(&s.b)
}
