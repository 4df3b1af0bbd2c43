package combinators

import "github.com/eddyio/eddy/future"

// Flatten returns a future that runs f, whose value is itself a future, and
// then runs that inner future and completes with its result. An error of f
// passes through; a nil inner future is [ErrNilFuture]. The inner future is
// polled in the same poll in which f completes. Flatten is lazy.
func Flatten[T any](f future.Future[future.Future[T]]) future.Future[T] {
	return &flatten[T]{outer: f}
}

type flatten[T any] struct {
	outer future.Future[future.Future[T]] // nil once it completed
	inner future.Future[T]                // nil until outer completed, and once done
}

func (fl *flatten[T]) Poll(cx *future.Context) future.Poll[T] {
	if fl.outer != nil {
		p := fl.outer.Poll(cx)
		if p.IsPending() {
			return future.Pending[T]()
		}
		fl.outer = nil
		if err := p.Err(); err != nil {
			return future.Fail[T](err)
		}
		if fl.inner = p.Value(); fl.inner == nil {
			return future.Fail[T](ErrNilFuture)
		}
	}
	return pollOwned(&fl.inner, cx)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (fl *flatten[T]) Abandon() {
	abandon(&fl.outer)
	abandon(&fl.inner)
}
