package combinators

import "github.com/eddyio/eddy/future"

// Then returns a future that runs f and then calls fn with its outcome, the
// value and the error, whichever it is. It is the final step of a pipeline:
// the returned future completes with no value and no error once fn returned,
// so the outcome of f is consumed by fn (log it, close a connection, ...).
//
//	handle := combinators.Then(copy.Copy(r, w), func(n int64, err error) {
//		if err != nil {
//			log.Printf("I/O error %v", err)
//		}
//		conn.Close()
//	})
//
// fn is called once, in the poll where f completes. To continue with another
// future instead, use [Handle]. Then is lazy.
func Then[T any](f future.Future[T], fn func(T, error)) future.Future[struct{}] {
	return &then[T]{f: f, fn: fn}
}

type then[T any] struct {
	f  future.Future[T] // nil once complete
	fn func(T, error)
}

func (t *then[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	if t.f == nil {
		return polledAfter[struct{}]()
	}
	p := t.f.Poll(cx)
	if p.IsPending() {
		return future.Pending[struct{}]()
	}
	fn := t.fn
	t.f, t.fn = nil, nil
	fn(p.Result())
	return future.Ok(struct{}{})
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (t *then[T]) Abandon() {
	abandon(&t.f)
}
