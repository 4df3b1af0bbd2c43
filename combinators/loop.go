package combinators

import "github.com/eddyio/eddy/future"

// Loop returns a future that runs an asynchronous loop (futures 0.1's
// loop_fn), a for loop whose body is a future:
//
//	s := init
//	for {
//		f, ok := fn(s)
//		if !ok {
//			return s
//		}
//		s = <the value f completes with>
//	}
//
// Each iteration calls fn with the state. fn returns the iteration's future
// and true to run it and go on with the state it completes with, or false to
// end the loop, whose value is then s (the future fn returned with false is
// not polled; return nil). Everything the loop needs to decide lives in the
// state, so every type in fn's signature is S and Go infers S from init:
//
//	backoff := combinators.Loop(time.Millisecond, func(d time.Duration) (future.Future[time.Duration], bool) {
//		if d > time.Second {
//			return nil, false
//		}
//		return combinators.Map(driver.Sleep(d), func(struct{}) time.Duration { return 2 * d }), true
//	})
//
// The first error of an iteration ends the loop with it; a nil future with
// true is [ErrNilFuture]. A loop whose value is not its state ends with [Map].
//
// Loop spends the task's budget on each iteration and yields when it is
// spent, as [ForEach] does, so a loop whose iterations are always ready does
// not starve the driver. Loop is lazy: fn is first called on the first poll.
func Loop[S any](init S, fn func(S) (future.Future[S], bool)) future.Future[S] {
	return &loop[S]{state: init, fn: fn}
}

type loop[S any] struct {
	state S
	fn    func(S) (future.Future[S], bool) // nil once complete
	cur   future.Future[S]                 // the running iteration, or nil
}

func (l *loop[S]) Poll(cx *future.Context) future.Poll[S] {
	for l.fn != nil {
		if l.cur == nil {
			if !cx.SpendBudget() {
				return yield[S](cx)
			}
			f, ok := l.fn(l.state)
			if !ok {
				return l.finish(l.state, nil)
			}
			if f == nil {
				return l.finish(l.state, ErrNilFuture)
			}
			l.cur = f
		}
		p := l.cur.Poll(cx)
		if p.IsPending() {
			return future.Pending[S]()
		}
		l.cur = nil
		if p.Err() != nil {
			return l.finish(l.state, p.Err())
		}
		l.state = p.Value()
	}
	return polledAfter[S]()
}

// finish drops the loop's state and completes with s, or fails with err.
func (l *loop[S]) finish(s S, err error) future.Poll[S] {
	abandon(&l.cur)
	*l = loop[S]{}
	if err != nil {
		return future.Fail[S](err)
	}
	return future.Ok(s)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (l *loop[S]) Abandon() {
	abandon(&l.cur)
	l.fn = nil
}
