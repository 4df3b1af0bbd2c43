package combinators

import "github.com/eddyio/eddy/future"

// Discard returns a future that runs f and completes with no value once f
// has: f's value is dropped, its error passes through. It hands a future of
// any type to what wants a future[struct{}], such as the callback of
// [ForEach] or a spawned task:
//
//	combinators.ForEach(conns, func(c *socket.TCPStream) future.Future[struct{}] {
//		return combinators.Discard(copy.Copy(c, c))
//	})
//
// Discard is lazy and allocates nothing when polled.
func Discard[T any](f future.Future[T]) future.Future[struct{}] {
	return &discard[T]{f: f}
}

type discard[T any] struct {
	f future.Future[T] // nil once complete
}

func (d *discard[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	if d.f == nil {
		return polledAfter[struct{}]()
	}
	p := d.f.Poll(cx)
	if p.IsPending() {
		return future.Pending[struct{}]()
	}
	d.f = nil
	return future.Result(struct{}{}, p.Err())
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (d *discard[T]) Abandon() {
	abandon(&d.f)
}
