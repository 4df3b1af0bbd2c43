package future

// Future is a value that will be available later: the result of work that has
// not been done yet. It is lazy: nothing happens until Poll is called.
//
// Poll tries to drive the future to completion and answers with a [Poll]:
//
//   - ready with a value or an error: the future has finished; it must not be
//     polled again (futures of this module answer a later poll with
//     [ErrPolledAfterCompletion]);
//   - pending: the future cannot finish yet, and it has handed cx.Waker() to
//     whatever will make progress, so that the task is woken and polls it
//     again. Only the waker of the most recent poll is guaranteed to be woken.
//
// Poll must not block: where progress needs I/O, a timer or another task, it
// answers pending instead. Poll is called by one goroutine at a time.
type Future[T any] interface {
	Poll(cx *Context) Poll[T]
}

// Func adapts a poll function to the [Future] interface, in the manner of
// http.HandlerFunc. The function is called on every poll and must follow the
// contract of [Future.Poll].
type Func[T any] func(cx *Context) Poll[T]

// Poll calls f(cx).
func (f Func[T]) Poll(cx *Context) Poll[T] { return f(cx) }

// PollFn returns a future whose every poll calls fn.
func PollFn[T any](fn func(cx *Context) Poll[T]) Future[T] { return Func[T](fn) }

// ready is a future that is already complete.
type ready[T any] struct {
	val  T
	err  error
	done bool
}

func (f *ready[T]) Poll(*Context) Poll[T] {
	if f.done {
		return Fail[T](ErrPolledAfterCompletion)
	}
	f.done = true
	return Result(f.val, f.err)
}

// Ready returns a future that is ready with v on its first poll.
func Ready[T any](v T) Future[T] { return &ready[T]{val: v} }

// Failed returns a future that is ready with err on its first poll.
func Failed[T any](err error) Future[T] { return &ready[T]{err: err} }

// FromResult returns a future that is ready with v and err on its first poll.
func FromResult[T any](v T, err error) Future[T] { return &ready[T]{val: v, err: err} }

// done is the stateless, zero-size future of Done.
type done struct{}

func (done) Poll(*Context) Poll[struct{}] { return Ok(struct{}{}) }

// Done returns a future that is ready with no value: the future for
// "nothing left to do". Unlike the other futures of this package it keeps
// no state: it is ready on every poll, and returning it allocates nothing,
// which makes it the cheap answer of a ForEach callback that finishes its
// work synchronously.
func Done() Future[struct{}] { return done{} }

// lazy runs a function on its first poll.
type lazy[T any] struct {
	fn   func() (T, error)
	done bool
}

func (f *lazy[T]) Poll(*Context) Poll[T] {
	if f.done {
		return Fail[T](ErrPolledAfterCompletion)
	}
	f.done = true
	fn := f.fn
	f.fn = nil
	return Result(fn())
}

// Lazy returns a future that calls fn on its first poll and is ready with
// what fn returns. Building it calls nothing.
func Lazy[T any](fn func() (T, error)) Future[T] { return &lazy[T]{fn: fn} }

// lazyFuture builds a future on first poll and then polls it.
type lazyFuture[T any] struct {
	build func() Future[T]
	f     Future[T]
}

func (l *lazyFuture[T]) Poll(cx *Context) Poll[T] {
	if l.f == nil {
		if l.build == nil {
			return Fail[T](ErrPolledAfterCompletion)
		}
		l.f, l.build = l.build(), nil
	}
	p := l.f.Poll(cx)
	if p.IsReady() {
		l.f = nil
	}
	return p
}

// Abandon abandons the future build returned, if it was built.
func (l *lazyFuture[T]) Abandon() {
	f := l.f
	l.f, l.build = nil, nil
	Abandon(f)
}

// Defer returns a future that calls build on its first poll and from then on
// polls the future build returned (futures 0.1's lazy). It defers the
// construction of a future, and any work its constructor does, until the
// pipeline is driven.
func Defer[T any](build func() Future[T]) Future[T] { return &lazyFuture[T]{build: build} }

// never is a future that never completes.
type never[T any] struct{}

func (never[T]) Poll(cx *Context) Poll[T] {
	// The task can never be woken by this future, and that is the point; the
	// waker is taken so that the stall detector does not report it.
	cx.Waker()
	return Pending[T]()
}

// Never returns a future that is never ready (futures 0.1's empty). It is
// useful in Select and in tests.
func Never[T any]() Future[T] { return never[T]{} }

// yieldNow answers pending once, waking its task first.
type yieldNow struct{ yielded bool }

func (y *yieldNow) Poll(cx *Context) Poll[struct{}] {
	if y.yielded {
		return Ok(struct{}{})
	}
	y.yielded = true
	cx.Waker().Wake()
	return Pending[struct{}]()
}

// Yield returns a future that answers pending once, with its task already
// woken, and is ready on the next poll. A long computation inside a task
// awaits it to let other tasks on the loop run.
func Yield() Future[struct{}] { return &yieldNow{} }
