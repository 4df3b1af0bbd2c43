package combinators

import "github.com/eddyio/eddy/future"

// AndThen returns a future that runs f and, if f succeeds with v, then runs
// the future fn(v) and completes with its result (futures 0.1's and_then).
//
// An error of f passes through and fn is not called. fn is called once, in the
// poll where f completes, and the future it returns is polled in that same
// poll; f is never polled again after it completed. A nil future from fn makes
// AndThen fail with [ErrNilFuture]. AndThen is lazy.
func AndThen[T, U any](f future.Future[T], fn func(T) future.Future[U]) future.Future[U] {
	if fn == nil {
		fn = nilAndThen[T, U] // fn says which future cur holds: it is never nil while the first runs
	}
	a := &andThen[T, U]{fn: fn}
	if f != nil {
		a.cur = f
	}
	return a
}

// nilAndThen stands for a nil fn given to AndThen: calling it panics, as
// calling the nil func would, with a message that names AndThen.
func nilAndThen[T, U any](T) future.Future[U] {
	panic("combinators: AndThen called with a nil fn")
}

// andThen is one interface word and a func, 24 bytes, which an idle
// pipeline pays for: cur holds the first future while fn waits to be
// called, then the future fn made, and fn says which (one field for both:
// they are never held together). cur is an any, so that it can hold a
// future.Future[T] and then a future.Future[U]; a poll asserts it back to
// the one it holds (a cached type check, no allocation).
type andThen[T, U any] struct {
	cur any                      // future.Future[T] while fn is not nil, then future.Future[U]; nil once complete
	fn  func(T) future.Future[U] // nil once called
}

func (a *andThen[T, U]) Poll(cx *future.Context) future.Poll[U] {
	if a.fn != nil {
		first, _ := a.cur.(future.Future[T])
		if first == nil {
			return polledAfter[U]() // AndThen(nil, fn)
		}
		p := first.Poll(cx)
		if p.IsPending() {
			return future.Pending[U]()
		}
		fn := a.fn
		a.cur, a.fn = nil, nil
		if err := p.Err(); err != nil {
			return future.Fail[U](err)
		}
		second := fn(p.Value())
		if second == nil {
			return future.Fail[U](ErrNilFuture)
		}
		a.cur = second
	}
	second, _ := a.cur.(future.Future[U])
	if second == nil {
		return polledAfter[U]()
	}
	p := second.Poll(cx)
	if p.IsReady() {
		a.cur = nil
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (a *andThen[T, U]) Abandon() {
	a.fn = nil
	abandon(&a.cur)
}
