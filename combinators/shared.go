package combinators

import (
	"sync"

	"github.com/eddyio/eddy/future"
)

// Share returns a [Shared] that runs f once and hands its result to any
// number of awaiting futures made with [Shared.Clone] (futures 0.1's shared).
// Share is lazy: f is first polled when a clone is.
func Share[T any](f future.Future[T]) *Shared[T] {
	s := &Shared[T]{f: f, waiting: map[*sharedClone[T]]future.Waker{}}
	s.notify = future.WakerFunc(s.wakeAll)
	return s
}

// Shared is one future's result shared by many awaiting clones. Each clone is
// a future of its own, which may be polled by a different task, on a
// different loop; all complete with the same value and error (a value that is
// a pointer, slice or map is shared, not copied). Shared is safe for
// concurrent use by multiple goroutines.
//
// Whichever clone is polled first polls the inner future, with a waker that
// wakes every waiting clone; when it completes, every waiting clone is woken
// and takes the result. If polling the inner future panics, the panic goes to
// the task that polled it and the other clones are woken to poll it again;
// wrap it in [CatchPanic] to share the panic as an error instead.
type Shared[T any] struct {
	notify future.Waker // wakes every waiting clone

	mu      sync.Mutex                       // guards the following fields
	f       future.Future[T]                 // nil once complete
	cx      *future.Context                  // polls f with notify; used by the poller only
	polling bool                             // a clone is polling f, outside mu
	done    bool                             // val and err are set
	val     T                                //
	err     error                            //
	waiting map[*sharedClone[T]]future.Waker // clones waiting for the result
}

// Clone returns a new future that completes with the shared result. Each
// clone completes once; cloning after completion gives a future that is
// ready at once.
func (s *Shared[T]) Clone() future.Future[T] { return &sharedClone[T]{s: s} }

type sharedClone[T any] struct {
	s *Shared[T] // nil once complete
}

func (c *sharedClone[T]) Poll(cx *future.Context) future.Poll[T] {
	s := c.s
	if s == nil {
		return polledAfter[T]()
	}
	s.mu.Lock()
	s.waiting[c] = cx.Waker() // before polling f, so no wake-up is missed
	if !s.done && !s.polling {
		s.polling = true
		s.mu.Unlock()
		s.pollInner(cx, c)
		s.mu.Lock()
	}
	defer s.mu.Unlock()
	if !s.done {
		return future.Pending[T]()
	}
	delete(s.waiting, c)
	c.s = nil
	return future.Result(s.val, s.err)
}

// pollInner polls f once for clone c, outside mu. When f completes it stores
// the result and wakes the other waiting clones; if polling f panics, it
// wakes them too, so that one of them polls f again.
func (s *Shared[T]) pollInner(cx *future.Context, c *sharedClone[T]) {
	wake := true
	defer func() {
		s.mu.Lock()
		s.polling = false
		s.mu.Unlock()
		if wake {
			s.wakeAll()
		}
	}()
	if s.cx == nil {
		s.cx = cx.WithWaker(s.notify)
	} else {
		s.cx.Rewake(cx, s.notify)
	}
	p := s.f.Poll(s.cx)
	if p.IsPending() {
		s.cx.CheckPending(s.f) // for the stall detector: f must wake notify
		wake = false           // f has arranged to wake notify
		return
	}
	s.mu.Lock()
	s.val, s.err = p.Result()
	s.f, s.cx, s.done = nil, nil, true
	delete(s.waiting, c)
	s.mu.Unlock()
}

// wakeAll wakes every waiting clone. It may be called from any goroutine.
func (s *Shared[T]) wakeAll() {
	s.mu.Lock()
	ws := make([]future.Waker, 0, len(s.waiting))
	for _, w := range s.waiting {
		ws = append(ws, w)
	}
	s.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}
