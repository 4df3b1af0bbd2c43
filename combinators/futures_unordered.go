package combinators

import (
	"sync"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/stream"
)

// FuturesUnordered is a dynamic set of futures run concurrently within the
// polling task. It is a [stream.Stream] of their results in the order they
// complete: a value as an item, an error as an item error (an error ends
// neither the set nor the other futures).
//
// Each future of the set is polled only when its own wake-up fired (and once
// when it is pushed): every future gets a waker of its own, made once when it
// is pushed, which marks it ready and wakes the task. A set of ten thousand
// idle connections therefore costs nothing per poll but the futures that
// woke.
//
// An empty set answers the end; unlike other streams it may be pushed to
// again afterwards and then yields more items. Push does not wake the task:
// the task that pushes polls the set afterwards (the combinators built on it,
// [BufferUnordered] and [ForEachConcurrent], push within their own poll).
//
// Push, Len and PollNext are called by the task that owns the set, one
// goroutine at a time; the wakers of its futures may be called from any
// goroutine. A poll polls at most as many futures as the set holds, and
// spends the task's budget on each, so a future that keeps waking itself
// cannot starve the loop. The zero value is not usable; use
// [NewFuturesUnordered].
type FuturesUnordered[T any] struct {
	mu     sync.Mutex // guards ready, head, parent and every child's queued
	ready  []*setChild[T]
	head   int          // ready[head:] are queued
	parent future.Waker // the waker of the most recent poll

	n    int            // futures not yet complete; owned by the polling task
	next uint64         // sequence number of the next Push
	live []*setChild[T] // the children not yet complete, for Abandon; owned by the polling task
}

// setChild is one future of a set; it is its own waker.
type setChild[T any] struct {
	set    *FuturesUnordered[T]
	f      future.Future[T] // nil once complete
	cx     *future.Context  // made on the first poll, relinked on later ones
	seq    uint64           // the push order, for FuturesOrdered
	at     int              // its index in set.live
	queued bool             // in set.ready; guarded by set.mu
}

// Wake marks the child ready and wakes the task polling the set.
func (c *setChild[T]) Wake() {
	u := c.set
	u.mu.Lock()
	if c.queued {
		u.mu.Unlock()
		return
	}
	c.queued = true
	u.ready = append(u.ready, c)
	w := u.parent
	u.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// NewFuturesUnordered returns an empty set.
func NewFuturesUnordered[T any]() *FuturesUnordered[T] {
	return &FuturesUnordered[T]{}
}

// Push adds f to the set. f is not polled until the set is; it is polled on
// the set's next poll.
func (u *FuturesUnordered[T]) Push(f future.Future[T]) {
	u.push(f)
}

func (u *FuturesUnordered[T]) push(f future.Future[T]) uint64 {
	c := &setChild[T]{set: u, f: f, seq: u.next, queued: true, at: len(u.live)}
	u.next++
	u.n++
	u.live = append(u.live, c)
	u.mu.Lock()
	u.ready = append(u.ready, c)
	u.mu.Unlock()
	return c.seq
}

// Len returns the number of futures in the set that have not completed.
func (u *FuturesUnordered[T]) Len() int { return u.n }

// PollNext polls the futures of the set that were woken and yields the result
// of the first one to complete. It answers pending when none completed (every
// future left in the set has arranged its wake-up), and the end when the set
// is empty.
func (u *FuturesUnordered[T]) PollNext(cx *future.Context) stream.Poll[T] {
	_, p := u.pollNext(cx)
	return p
}

// pollNext is PollNext that also returns the push sequence number of the
// future that completed.
func (u *FuturesUnordered[T]) pollNext(cx *future.Context) (uint64, stream.Poll[T]) {
	if u.n == 0 {
		return 0, stream.End[T]()
	}
	u.mu.Lock()
	u.parent = cx.Waker()
	u.mu.Unlock()
	limit := u.n
	for polled := 0; ; {
		c := u.pop()
		if c == nil {
			return 0, stream.Pending[T]() // every future left arranged its wake-up
		}
		if c.f == nil {
			continue // completed; a stale wake-up
		}
		if polled >= limit || !cx.SpendBudget() {
			c.Wake() // queue it again and wake the task: yield
			return 0, stream.Pending[T]()
		}
		polled++
		if c.cx == nil {
			c.cx = cx.WithWaker(c)
		} else {
			taskctx.Relink(c.cx, cx)
		}
		p := c.f.Poll(c.cx)
		if p.IsPending() {
			taskctx.CheckPending(c.cx, c.f) // for the stall detector: c.f must wake c
			continue
		}
		c.f, c.cx = nil, nil
		u.n--
		u.unlive(c)
		if p.Err() != nil {
			return c.seq, stream.Fail[T](p.Err())
		}
		return c.seq, stream.Item(p.Value())
	}
}

// pop takes the next ready child off the queue, or returns nil.
func (u *FuturesUnordered[T]) pop() *setChild[T] {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.head == len(u.ready) {
		return nil
	}
	c := u.ready[u.head]
	u.ready[u.head] = nil
	u.head++
	if u.head == len(u.ready) {
		u.ready, u.head = u.ready[:0], 0
	}
	c.queued = false
	return c
}

// unlive takes a completed child out of the live list.
func (u *FuturesUnordered[T]) unlive(c *setChild[T]) {
	last := len(u.live) - 1
	moved := u.live[last]
	u.live[c.at], moved.at = moved, c.at
	u.live[last] = nil
	u.live = u.live[:last]
}

// Abandon abandons every future of the set that has not completed
// (future.Abandon) and empties the set: the set's owner gives it up, or
// clears it, and each member releases what it holds at once. The set may be
// used again afterwards.
func (u *FuturesUnordered[T]) Abandon() {
	live := u.live
	u.live, u.n = nil, 0
	u.mu.Lock()
	clear(u.ready)
	u.ready, u.head = u.ready[:0], 0
	u.mu.Unlock()
	for _, c := range live {
		f := c.f
		c.f, c.cx = nil, nil // a late wake-up finds it complete
		future.Abandon(f)
	}
}
