package driver

import (
	"context"
	"iter"
	"sync"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// SpawnBalanced returns a lazy future that, when polled, starts f as a new
// task on the least busy loop of the polling task's runtime, and completes
// at once. On a loop that is not part of a [Runtime] it starts f on that
// loop, as [Spawn] does. Polled outside any driver, it fails with
// [future.ErrNoDriver].
//
// It is how one acceptor hands connections to every loop: a socket that
// the acceptor's loop has made but not polled moves to the loop of the
// first task that polls it.
func SpawnBalanced(f future.Future[struct{}]) future.Future[struct{}] {
	return &spawnBalanced{f: f}
}

type spawnBalanced struct{ f future.Future[struct{}] }

func (s *spawnBalanced) Poll(cx *future.Context) future.Poll[struct{}] {
	if s.f == nil {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	l, err := LoopOf(cx)
	if err != nil {
		return future.Fail[struct{}](err)
	}
	target := l
	if l.rt != nil {
		target = l.rt.leastBusy()
	}
	if target == l {
		l.spawnFrom(cx, &task{}, s.f)
	} else {
		target.Spawn(s.f)
	}
	s.f = nil
	return future.Ok(struct{}{})
}

// Stopping returns a future that is ready when the loop polling it begins
// to shut down: when [Runtime.Shutdown] starts, or when [Loop.Close] starts
// on a lone loop. Tasks that would otherwise run for ever (an acceptor, a
// connection that streams until told) select on it to finish within the
// grace period instead of being cancelled at its end. Polled outside any
// driver, it fails with [future.ErrNoDriver].
//
// The loop keeps the polling task's waker until the shutdown or until
// the task has ended, so a connection that selects on Stopping costs
// nothing once it is gone.
func Stopping() future.Future[struct{}] { return &stopping{} }

type stopping struct {
	parked bool
	done   bool
}

func (s *stopping) Poll(cx *future.Context) future.Poll[struct{}] {
	if s.done {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	l, err := LoopOf(cx)
	if err != nil {
		return future.Fail[struct{}](err)
	}
	if l.stop.set.Load() {
		s.done = true
		return future.Ok(struct{}{})
	}
	w := cx.Waker()
	if !s.parked {
		s.parked = true
		if !l.stop.wait(w) {
			s.done = true
			return future.Ok(struct{}{})
		}
	}
	return future.Pending[struct{}]()
}

// ContextDone returns a future that is ready, with ctx.Err() as its value,
// once ctx is done; it never fails. It bridges Go's cancellation into a
// pipeline: select on it to end a server when a context is cancelled.
// Nothing happens until it is polled; from then until ctx is done (or the
// future completes) a callback is registered with ctx (context.AfterFunc).
func ContextDone(ctx context.Context) future.Future[error] { return &contextDone{ctx: ctx} }

// Abandon drops the future's registration with the context at once
// (contract 11), instead of when the context is done.
func (c *contextDone) Abandon() {
	if c.stop != nil {
		c.stop()
		c.stop = nil
	}
	c.mu.Lock()
	c.w = nil
	c.mu.Unlock()
	c.done = true
}

type contextDone struct {
	ctx  context.Context
	mu   sync.Mutex
	w    future.Waker
	stop func() bool
	done bool
}

func (c *contextDone) Poll(cx *future.Context) future.Poll[error] {
	if c.done {
		return future.Fail[error](future.ErrPolledAfterCompletion)
	}
	if err := c.ctx.Err(); err != nil {
		c.done = true
		if c.stop != nil {
			c.stop()
		}
		return future.Ok(err)
	}
	c.mu.Lock()
	c.w = cx.Waker()
	c.mu.Unlock()
	if c.stop == nil {
		c.stop = context.AfterFunc(c.ctx, func() {
			c.mu.Lock()
			w := c.w
			c.mu.Unlock()
			w.Wake()
		})
	}
	return future.Pending[error]()
}

// Iter returns an iterator over the items of s for code outside the
// runtime (a plain goroutine, a test, a main function): ranging over it
// polls s in a task of rt and blocks the ranging goroutine until each item
// is there. Each item comes with its error, as [stream.Poll] has it.
// Breaking out of the range stops polling s. If the runtime shuts down
// first, the iteration ends with one last pair, the zero value and
// [ErrStopped]. Each iteration runs its own task; s must be ranged over
// once.
//
// Iter must not be used from a task: it would block the task's loop.
func Iter[T any](rt *Runtime, s stream.Stream[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		b := &iterBridge[T]{s: s, items: make(chan iterItem[T], 2)}
		b.want = true
		rt.Spawn(&outsideTask[struct{}]{f: b, deliver: func(_ struct{}, err error) {
			b.items <- iterItem[T]{err: err, end: true}
		}})
		for {
			var it iterItem[T]
			select {
			case it = <-b.items:
			case <-rt.done:
				select {
				case it = <-b.items:
				default:
					it = iterItem[T]{err: ErrStopped, end: true}
				}
			}
			if it.end {
				if it.err != nil {
					var zero T
					yield(zero, it.err)
				}
				return
			}
			if !yield(it.val, it.err) {
				b.request(false)
				return
			}
			b.request(true)
		}
	}
}

// iterItem is one step of Iter: an item with its error, or the end (with
// an error when the stream did not end by itself).
type iterItem[T any] struct {
	val T
	err error
	end bool
}

// iterBridge is the task's side of Iter: it polls the stream only while
// the ranging goroutine wants an item, so at most one item is in flight.
type iterBridge[T any] struct {
	s     stream.Stream[T]
	items chan iterItem[T] // room for an item and the end: never blocks the loop

	mu    sync.Mutex
	want  bool // the ranging goroutine waits for an item
	quit  bool // it stopped ranging
	waker future.Waker
}

// request asks for the next item (more) or ends the iteration (!more).
func (b *iterBridge[T]) request(more bool) {
	b.mu.Lock()
	b.want, b.quit = more, !more
	w := b.waker
	b.waker = nil
	b.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (b *iterBridge[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	b.mu.Lock()
	want, quit := b.want, b.quit
	if !want && !quit {
		b.waker = cx.Waker()
	}
	b.mu.Unlock()
	switch {
	case quit:
		return future.Ok(struct{}{})
	case !want:
		return future.Pending[struct{}]()
	}
	p := b.s.PollNext(cx)
	switch {
	case p.IsPending():
		return future.Pending[struct{}]()
	case p.IsEnd():
		return future.Ok(struct{}{})
	}
	v, err := p.Result()
	b.mu.Lock()
	b.want = false
	b.waker = cx.Waker() // parked until the next request
	b.mu.Unlock()
	b.items <- iterItem[T]{val: v, err: err}
	return future.Pending[struct{}]()
}
