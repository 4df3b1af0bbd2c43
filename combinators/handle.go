package combinators

import "github.com/eddyio/eddy/future"

// Handle returns a future that runs f, then runs the future fn(v, err) built
// from f's outcome, whichever it is, and completes with that future's result.
// It is futures 0.1's then: [AndThen] and [OrElse] rolled into one.
//
// fn is called once, in the poll where f completes, and the future it returns
// is polled in that same poll. A nil future from fn makes Handle fail with
// [ErrNilFuture]. For a final step that only observes the outcome, use
// [Then]. Handle is lazy.
func Handle[T, U any](f future.Future[T], fn func(T, error) future.Future[U]) future.Future[U] {
	return &handle[T, U]{first: f, fn: fn}
}

type handle[T, U any] struct {
	first  future.Future[T] // nil once it completed
	fn     func(T, error) future.Future[U]
	second future.Future[U] // nil until fn ran, and once it completed
}

func (t *handle[T, U]) Poll(cx *future.Context) future.Poll[U] {
	if t.first != nil {
		p := t.first.Poll(cx)
		if p.IsPending() {
			return future.Pending[U]()
		}
		fn := t.fn
		t.first, t.fn = nil, nil
		if t.second = fn(p.Result()); t.second == nil {
			return future.Fail[U](ErrNilFuture)
		}
	}
	return pollOwned(&t.second, cx)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (t *handle[T, U]) Abandon() {
	abandon(&t.first)
	abandon(&t.second)
}
