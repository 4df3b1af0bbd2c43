package combinators

import "github.com/eddyio/eddy/future"

// Triple holds the results of [Join3], in the order of its arguments.
type Triple[A, B, C any] struct {
	First  A
	Second B
	Third  C
}

// Join3 is [Join] for three futures: it completes with all three values once
// all have succeeded, and fails with the first error, dropping the others.
// Join3 is lazy.
func Join3[A, B, C any](a future.Future[A], b future.Future[B], c future.Future[C]) future.Future[Triple[A, B, C]] {
	return &join3[A, B, C]{a: a, b: b, c: c}
}

type join3[A, B, C any] struct {
	a    future.Future[A] // nil once a completed, and so on
	b    future.Future[B]
	c    future.Future[C]
	out  Triple[A, B, C]
	done bool
}

func (j *join3[A, B, C]) Poll(cx *future.Context) future.Poll[Triple[A, B, C]] {
	if j.done {
		return polledAfter[Triple[A, B, C]]()
	}
	err := joinStep(&j.a, &j.out.First, cx)
	if err == nil {
		err = joinStep(&j.b, &j.out.Second, cx)
	}
	if err == nil {
		err = joinStep(&j.c, &j.out.Third, cx)
	}
	if err == nil && (j.a != nil || j.b != nil || j.c != nil) {
		return future.Pending[Triple[A, B, C]]()
	}
	out := j.out
	abandon(&j.a) // after an error, the others are given up
	abandon(&j.b)
	abandon(&j.c)
	*j = join3[A, B, C]{done: true}
	if err != nil {
		return future.Fail[Triple[A, B, C]](err)
	}
	return future.Ok(out)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (j *join3[A, B, C]) Abandon() {
	abandon(&j.a)
	abandon(&j.b)
	abandon(&j.c)
}
