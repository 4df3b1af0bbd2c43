package rx

import (
	"context"
	"io"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/reactivex/rxgo/v2"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// ToObservable returns an rxgo Observable of the items of s, driven on loop:
// each value is an item, each item error an error item, and the end of s the
// completion.
//
// It is lazy, like rxgo.Defer, which it is built on: nothing happens until
// the Observable is observed. Observing it spawns a task on loop that polls
// s; the loop must be driven (driver.BlockOn on some goroutine) for items to
// flow, and the observer must read on another goroutine than the loop's.
//
// # Back-pressure without blocking the loop
//
// The task and the goroutine rxgo runs the producer on share a bounded
// channel of [DefaultBuffer] items. The task never blocks: it polls s only
// when it can hand the previous item over, and it hands items over with a
// non-blocking send. When the channel is full it registers its waker and
// answers pending, and the rxgo goroutine wakes it each time it takes an item
// out. So a slow observer holds the stream back (s is not polled while
// items wait), the loop keeps serving its other tasks, and no timer or
// retry loop is involved.
//
// # Disposal
//
// Cancelling the context the observer passed with rxgo.WithContext disposes
// the subscription: the producer returns (rxgo then closes the Observable's
// channel), the task is woken, drops s and ends. A stream that has a
// Close() error method is closed when the task ends, whether s ended, the
// subscription was disposed or polling s panicked. A panic while polling s is
// an error item (a *[future.PanicError] naming the stream's type) before the
// completion, and goes on to the driver, which reports it.
//
// As with any rxgo source, an operator that stops reading before the end (Map
// or Filter after an error under rxgo's default StopOnError, Take, First)
// leaves the producer blocked on its next item until the context is
// cancelled: observe with rxgo.WithContext and cancel when done.
//
// A stream is read once, so the Observable feeds one subscription: later
// observers get the error item [ErrAlreadyObserved]. Note that rxgo operators
// that re-subscribe (Retry, Repeat) count as new observers.
func ToObservable[T any](loop *driver.Loop, s stream.Stream[T]) rxgo.Observable {
	o := &toObservable[T]{loop: loop, s: s}
	return rxgo.Defer([]rxgo.Producer{o.produce})
}

// toObservable is the source of one ToObservable Observable.
type toObservable[T any] struct {
	loop     *driver.Loop
	s        stream.Stream[T]
	observed atomic.Bool
}

// produce runs on the goroutine rxgo.Defer starts for an observer: it spawns
// the task and forwards the items the task hands over until the stream ends
// or the observer goes away. rxgo closes next when produce returns.
func (o *toObservable[T]) produce(ctx context.Context, next chan<- rxgo.Item) {
	if o.observed.Swap(true) {
		rxgo.Error(ErrAlreadyObserved).SendContext(ctx, next)
		return
	}
	if o.loop == nil {
		rxgo.Error(ErrNilLoop).SendContext(ctx, next)
		return
	}
	h := &handoff{buf: make(chan rxgo.Item, DefaultBuffer)}
	t := &pump[T]{s: o.s, h: h}
	o.s = nil
	// A task the loop drops (Close cancels it) is never polled again; once
	// it is collected, end the hand-off so that this goroutine returns.
	runtime.AddCleanup(t, func(h *handoff) { h.end(ErrTaskDropped) }, h)
	o.loop.Spawn(t)
	for {
		select {
		case <-ctx.Done():
			h.dispose()
			return
		case it, ok := <-h.buf:
			if !ok {
				if err := h.endErr(); err != nil {
					rxgo.Error(err).SendContext(ctx, next)
				}
				return
			}
			h.spaceFreed()
			if !it.SendContext(ctx, next) {
				h.dispose()
				return
			}
		}
	}
}

// handoff is what the task and the producer goroutine share. It never points
// at the task, so that a task dropped by its loop can be collected.
type handoff struct {
	buf      chan rxgo.Item // bounded; closed by end
	endOnce  sync.Once
	disposed atomic.Bool // the observer went away

	mu        sync.Mutex
	waker     future.Waker // the task's waker, from its last pending poll
	wantSpace bool         // the task waits for room in buf
	err       error        // the error to emit after buf closes
}

// end closes the hand-off once, with err (nil for a plain completion) to be
// emitted after the items already handed over.
func (h *handoff) end(err error) {
	h.endOnce.Do(func() {
		h.mu.Lock()
		h.err = err
		h.mu.Unlock()
		close(h.buf)
	})
}

func (h *handoff) endErr() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.err
}

// spaceFreed wakes the task if it waits for room in buf.
func (h *handoff) spaceFreed() {
	h.mu.Lock()
	var w future.Waker
	if h.wantSpace {
		w, h.wantSpace = h.waker, false
	}
	h.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// dispose records that the observer went away and wakes the task so that it
// ends.
func (h *handoff) dispose() {
	h.mu.Lock()
	h.disposed.Store(true)
	w := h.waker
	h.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// park registers the waker of a poll about to answer pending. It reports
// false if the observer has gone away, in which case the task must end
// instead: dispose may have looked for the waker before it was registered.
func (h *handoff) park(w future.Waker, wantSpace bool) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.disposed.Load() {
		return false
	}
	h.waker, h.wantSpace = w, wantSpace
	return true
}

// pump is the task that polls the stream and hands its items over.
type pump[T any] struct {
	s       stream.Stream[T] // nil once the task is over
	h       *handoff
	held    rxgo.Item // polled but not yet handed over
	holding bool
}

func (p *pump[T]) Poll(cx *future.Context) (res future.Poll[struct{}]) {
	if p.s == nil {
		return future.Ok(struct{}{})
	}
	defer func() {
		if v := recover(); v != nil {
			p.finish(&future.PanicError{Future: reflect.TypeOf(p.s).String(), Value: v, Stack: debug.Stack()})
			panic(v)
		}
	}()
	for {
		if p.h.disposed.Load() {
			return p.finish(nil)
		}
		if p.holding {
			if !p.trySend() {
				if !p.h.park(cx.Waker(), true) {
					return p.finish(nil)
				}
				// Look again: the producer may have made room before it
				// could see the registration.
				if !p.trySend() {
					return future.Pending[struct{}]()
				}
			}
		}
		if !cx.SpendBudget() {
			cx.Waker().Wake()
			return future.Pending[struct{}]()
		}
		sp := p.s.PollNext(cx)
		switch {
		case sp.IsPending():
			if !p.h.park(cx.Waker(), false) {
				return p.finish(nil)
			}
			return future.Pending[struct{}]()
		case sp.IsEnd():
			return p.finish(nil)
		case sp.Err() != nil:
			p.held = rxgo.Error(sp.Err())
		default:
			p.held = rxgo.Of(sp.Value())
		}
		p.holding = true
	}
}

// trySend hands the held item over without blocking.
func (p *pump[T]) trySend() bool {
	select {
	case p.h.buf <- p.held:
		p.held, p.holding = rxgo.Item{}, false
		return true
	default:
		return false
	}
}

// finish ends the task: it closes the stream if it can be closed and ends
// the hand-off with err.
func (p *pump[T]) finish(err error) future.Poll[struct{}] {
	s := p.s
	p.s, p.held, p.holding = nil, rxgo.Item{}, false
	if c, ok := s.(io.Closer); ok {
		c.Close()
	}
	p.h.end(err)
	return future.Ok(struct{}{})
}
