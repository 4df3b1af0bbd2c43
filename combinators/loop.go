package combinators

import "github.com/eddyio/eddy/future"

// Step is what one iteration of a [Loop] decides: go on with a new state
// ([Continue]) or stop with a value ([Break]).
type Step[S, T any] struct {
	state S
	value T
	done  bool
}

// Continue returns the Step that runs the next iteration of a [Loop] with
// state s.
func Continue[S, T any](s S) Step[S, T] { return Step[S, T]{state: s} }

// Break returns the Step that ends a [Loop] with the value v.
func Break[S, T any](v T) Step[S, T] { return Step[S, T]{value: v, done: true} }

// Loop returns a future that runs an asynchronous loop (futures 0.1's
// loop_fn): starting from state init, each iteration runs the future fn(s) to
// completion; its [Step] either continues with a new state or breaks with the
// loop's value. The first error of an iteration ends the loop with it; a nil
// future from fn is [ErrNilFuture].
//
// Loop spends the task's budget on each iteration and yields when it is
// spent, as [ForEach] does, so a loop whose iterations are always ready does
// not starve the driver. Loop is lazy: fn is first called on the first poll.
func Loop[S, T any](init S, fn func(S) future.Future[Step[S, T]]) future.Future[T] {
	return &loop[S, T]{state: init, fn: fn}
}

type loop[S, T any] struct {
	state S
	fn    func(S) future.Future[Step[S, T]] // nil once complete
	cur   future.Future[Step[S, T]]         // the running iteration, or nil
}

func (l *loop[S, T]) Poll(cx *future.Context) future.Poll[T] {
	for l.fn != nil {
		if l.cur == nil {
			if !cx.SpendBudget() {
				return yield[T](cx)
			}
			if l.cur = l.fn(l.state); l.cur == nil {
				return l.finish(Step[S, T]{}, ErrNilFuture)
			}
		}
		p := l.cur.Poll(cx)
		if p.IsPending() {
			return future.Pending[T]()
		}
		l.cur = nil
		step := p.Value()
		if step.done || p.Err() != nil {
			return l.finish(step, p.Err())
		}
		l.state = step.state
	}
	return polledAfter[T]()
}

// finish drops the loop's state and completes with step's value or err.
func (l *loop[S, T]) finish(step Step[S, T], err error) future.Poll[T] {
	*l = loop[S, T]{}
	if err != nil {
		return future.Fail[T](err)
	}
	return future.Ok(step.value)
}
