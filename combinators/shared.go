package combinators

import (
	"reflect"
	"sync"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
)

// Share returns a [Shared] that runs f once and hands its result to any
// number of awaiting futures made with [Shared.Clone] (futures 0.1's shared).
// Share is lazy: f is first polled when a clone is.
func Share[T any](f future.Future[T]) *Shared[T] {
	s := &Shared[T]{f: f, waiting: map[any]sharedWait{}}
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
//
// The waiting list holds one entry per waker, not per clone: a clone polled
// again replaces its own entry, and clones polled with the same waker (one
// task's clones; a waker that is a pointer is compared by identity) share
// one entry, woken once, since waking a task twice does no more than waking
// it once. So clones that one task polled and then gave up on (the
// Select(work, shutdown.Clone()) shape, in a loop) cost nothing that grows.
type Shared[T any] struct {
	notify future.Waker // wakes every waiting clone

	mu      sync.Mutex         // guards the following fields
	f       future.Future[T]   // nil once complete
	cx      *future.Context    // polls f with notify; used by the poller only
	polling bool               // a clone is polling f, outside mu
	done    bool               // val and err are set
	val     T                  //
	err     error              //
	waiting map[any]sharedWait // by waitKey; nil once complete
}

// sharedWait is an entry of the waiting list: a waker and the number of
// clones whose last poll registered it.
type sharedWait struct {
	w future.Waker
	n int
}

// Clone returns a new future that completes with the shared result. Each
// clone completes once; cloning after completion gives a future that is
// ready at once.
func (s *Shared[T]) Clone() future.Future[T] { return &sharedClone[T]{s: s} }

type sharedClone[T any] struct {
	s   *Shared[T] // nil once complete
	key any        // its key in s.waiting, nil if none; guarded by s.mu
}

func (c *sharedClone[T]) Poll(cx *future.Context) future.Poll[T] {
	s := c.s
	if s == nil {
		return polledAfter[T]()
	}
	s.mu.Lock()
	if !s.done {
		s.wait(c, cx.Waker()) // before polling f, so no wake-up is missed
		if !s.polling {
			s.polling = true
			s.mu.Unlock()
			s.pollInner(cx, c)
			s.mu.Lock()
		}
	}
	defer s.mu.Unlock()
	if !s.done {
		return future.Pending[T]()
	}
	c.s, c.key = nil, nil
	return future.Result(s.val, s.err)
}

// waitKey is the key of clone c waiting with w in the waiting list: w itself
// when it is a pointer, so that clones polled with one waker share an entry,
// and otherwise (a WakerFunc, which cannot be compared) the clone.
func waitKey[T any](c *sharedClone[T], w future.Waker) any {
	if w != nil && reflect.TypeOf(w).Kind() == reflect.Pointer {
		return w
	}
	return c
}

// wait registers clone c as waiting with w, replacing what its last poll
// registered. s.mu is held and s is not done.
func (s *Shared[T]) wait(c *sharedClone[T], w future.Waker) {
	key := waitKey(c, w)
	if c.key == key {
		if key == any(c) {
			s.waiting[key] = sharedWait{w: w, n: 1} // the clone's own entry
		}
		return
	}
	s.unwait(c)
	e := s.waiting[key]
	e.w, e.n = w, e.n+1
	s.waiting[key] = e
	c.key = key
}

// unwait removes what clone c registered, if anything. s.mu is held.
func (s *Shared[T]) unwait(c *sharedClone[T]) {
	if c.key == nil {
		return
	}
	if e := s.waiting[c.key]; e.n > 1 {
		e.n--
		s.waiting[c.key] = e
	} else {
		delete(s.waiting, c.key)
	}
	c.key = nil
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
		taskctx.Relink(s.cx, cx)
	}
	p := s.f.Poll(s.cx)
	if p.IsPending() {
		taskctx.CheckPending(s.cx, s.f) // for the stall detector: f must wake notify
		wake = false                    // f has arranged to wake notify
		return
	}
	s.mu.Lock()
	s.val, s.err = p.Result()
	s.f, s.cx, s.done = nil, nil, true
	s.unwait(c) // c takes the result now; the others are woken
	s.mu.Unlock()
}

// wakeAll wakes every waiting clone, and once the result is in, empties the
// waiting list for good. It may be called from any goroutine.
func (s *Shared[T]) wakeAll() {
	s.mu.Lock()
	ws := make([]future.Waker, 0, len(s.waiting))
	for _, e := range s.waiting {
		ws = append(ws, e.w)
	}
	if s.done {
		s.waiting = nil
	}
	s.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

// Abandon withdraws the clone's wait (future.Abandoner). The shared future
// itself is not abandoned: other clones may be awaiting it.
func (c *sharedClone[T]) Abandon() {
	s := c.s
	if s == nil {
		return
	}
	s.mu.Lock()
	s.unwait(c)
	s.mu.Unlock()
	c.s, c.key = nil, nil
}
