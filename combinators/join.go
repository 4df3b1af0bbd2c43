package combinators

import "github.com/eddyio/eddy/future"

// Pair holds the results of [Join], in the order of its arguments.
type Pair[A, B any] struct {
	First  A
	Second B
}

// Join returns a future that runs a and b concurrently, within the polling
// task, and completes with both values once both have succeeded.
//
// Each poll polls those of a and b that have not completed yet, a first; a
// future that has completed is not polled again. The first error wins: Join
// fails with it at once, drops the other future and does not poll it again.
// Join is lazy.
func Join[A, B any](a future.Future[A], b future.Future[B]) future.Future[Pair[A, B]] {
	return &join[A, B]{a: a, b: b}
}

type join[A, B any] struct {
	a    future.Future[A] // nil once a completed
	b    future.Future[B] // nil once b completed
	out  Pair[A, B]
	done bool
}

func (j *join[A, B]) Poll(cx *future.Context) future.Poll[Pair[A, B]] {
	if j.done {
		return polledAfter[Pair[A, B]]()
	}
	err := joinStep(&j.a, &j.out.First, cx)
	if err == nil {
		err = joinStep(&j.b, &j.out.Second, cx)
	}
	if err == nil && (j.a != nil || j.b != nil) {
		return future.Pending[Pair[A, B]]()
	}
	out := j.out
	abandon(&j.a) // after an error, the other is given up
	abandon(&j.b)
	*j = join[A, B]{done: true}
	if err != nil {
		return future.Fail[Pair[A, B]](err)
	}
	return future.Ok(out)
}

// joinStep polls *f unless it has completed; when it succeeds it stores the
// value in *out and drops *f. It returns the error *f failed with.
func joinStep[T any](f *future.Future[T], out *T, cx *future.Context) error {
	if *f == nil {
		return nil
	}
	p := (*f).Poll(cx)
	if p.IsReady() {
		*f, *out = nil, p.Value()
	}
	return p.Err()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (j *join[A, B]) Abandon() {
	abandon(&j.a)
	abandon(&j.b)
}
