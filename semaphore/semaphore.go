// Package semaphore is an asynchronous counting semaphore for limiting
// concurrency: a task awaits [Semaphore.Acquire] for k permits and releases
// them with [Permit.Release] when it is done.
//
// Acquisition is first come, first served: a request that cannot be granted
// waits in a queue, and no later request, however small, is granted ahead
// of it (no barging). The semaphore is safe from any goroutine; permits may
// be acquired on one loop and released on another or on a plain goroutine.
//
// # Do not leak permits
//
// Go has no destructors, so permits come back only when released:
//
//   - a *Permit is released with Release (defer p.Release()); Release is
//     idempotent;
//   - an acquire that is given up before its future has answered leaves
//     the queue, and gives back permits granted to it but never handed out,
//     when it is abandoned ([AcquireFuture.Abandon], future.Abandon): the
//     combinators do it for the futures they give up (a Select's loser, the
//     inner future of a timer.Timeout that fired, a task cancelled at
//     shutdown), so their users need nothing more. Code that drops an
//     AcquireFuture it polled by hand calls Abandon (or Cancel) itself.
package semaphore

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/waitlist"
)

// ErrInvalid is the error of an Acquire of a negative number of permits or of
// more permits than the semaphore holds: such a request could never be
// granted.
var ErrInvalid = errors.New("semaphore: permit count out of range")

// ErrCanceled is the error of an acquire future polled after Cancel.
var ErrCanceled = errors.New("semaphore: acquire canceled")

// Semaphore is a counting semaphore with size permits. It is safe for
// concurrent use by multiple goroutines.
type Semaphore struct {
	mu    sync.Mutex // guards avail and the queue
	size  int
	avail int
	queue waitlist.List[request, *request] // the waiting requests, first come first served
}

// New returns a semaphore holding n permits. It panics if n is negative.
func New(n int) *Semaphore {
	if n < 0 {
		panic("semaphore: negative size")
	}
	return &Semaphore{size: n, avail: n}
}

// Available returns the number of permits not held by anyone (granted
// permits not yet handed out count as held).
func (s *Semaphore) Available() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.avail
}

// TryAcquire takes k permits at once if they are free and nobody is waiting
// ahead; it reports false otherwise.
func (s *Semaphore) TryAcquire(k int) (*Permit, bool) {
	if k < 0 || k > s.size {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.queue.Empty() || s.avail < k {
		return nil, false
	}
	s.avail -= k
	return &Permit{sem: s, k: k}, true
}

// Acquire returns a future of k permits. It is lazy: it takes its place in
// the queue on its first poll, and completes when the permits are granted.
// It fails with [ErrInvalid] if k is negative or larger than the
// semaphore. See the package doc for what to do with a future that is given
// up.
func (s *Semaphore) Acquire(k int) *AcquireFuture {
	a := &AcquireFuture{sem: s, req: request{k: k}}
	a.permit = Permit{sem: s, k: k}
	return a
}

// AcquireFuture is the future of an Acquire: a future.Future[*Permit]. It is
// polled by one task at a time; Cancel is safe from any goroutine.
type AcquireFuture struct {
	sem      *Semaphore
	req      request // its place in the queue
	done     bool    // answered or canceled; guarded by sem.mu
	canceled bool    // guarded by sem.mu
	permit   Permit
}

// request is what the queue of a Semaphore holds of an AcquireFuture (see
// internal/waitlist). Its fields are guarded by the semaphore's mutex.
type request struct {
	waitlist.Node[request]
	k       int
	granted bool // permits are set aside for it
	waker   future.Waker
}

var _ future.Future[*Permit] = (*AcquireFuture)(nil)

// Poll answers the permits once they are granted, or pending with the task
// queued behind the requests that came first.
func (a *AcquireFuture) Poll(cx *future.Context) future.Poll[*Permit] {
	s, r := a.sem, &a.req
	if r.k < 0 || r.k > s.size {
		return future.Fail[*Permit](ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case a.canceled:
		return future.Fail[*Permit](ErrCanceled)
	case a.done:
		return future.Fail[*Permit](future.ErrPolledAfterCompletion)
	case r.granted:
	case !r.Queued() && s.queue.Empty() && s.avail >= r.k:
		s.avail -= r.k
	default:
		r.waker = cx.Waker()
		if !r.Queued() {
			s.queue.PushBack(r)
		}
		return future.Pending[*Permit]()
	}
	a.done, r.granted, r.waker = true, false, nil
	return future.Ok(&a.permit)
}

// Abandon gives up the acquire (future.Abandoner): a waiting request leaves
// the queue (which may let the requests behind it through), and permits
// granted to it but not yet answered by Poll are given back. Once Poll has
// answered with the permit, Abandon does nothing: release the permit
// instead. Abandon is idempotent and safe from any goroutine. Combinators
// call it on the acquire futures they give up.
func (a *AcquireFuture) Abandon() { a.Cancel() }

// Cancel is [AcquireFuture.Abandon], under the name it had before
// abandonment was part of every future's contract; a later poll fails with
// [ErrCanceled]. Users of the combinators need neither: the combinators
// abandon the futures they give up.
func (a *AcquireFuture) Cancel() {
	s, r := a.sem, &a.req
	s.mu.Lock()
	if a.done {
		s.mu.Unlock()
		return
	}
	a.done, a.canceled, r.waker = true, true, nil
	s.queue.Remove(r)
	if r.granted {
		r.granted = false
		s.avail += r.k
	}
	s.grantAndUnlock()
}

// Permit is k permits held; Release gives them back.
type Permit struct {
	sem      *Semaphore
	k        int
	released atomic.Bool
}

// Count returns the number of permits p holds.
func (p *Permit) Count() int { return p.k }

// Release gives the permits back to the semaphore, granting them to the
// requests waiting in order. It is idempotent and safe from any goroutine.
func (p *Permit) Release() {
	if !p.released.CompareAndSwap(false, true) {
		return
	}
	s := p.sem
	s.mu.Lock()
	s.avail += p.k
	s.grantAndUnlock()
}

// grantAndUnlock grants permits to the waiting requests in order, as far as
// they go, unlocks s, and wakes the requests it granted.
func (s *Semaphore) grantAndUnlock() {
	for {
		var ws [16]future.Waker
		n := 0
		for r := s.queue.Front(); r != nil && r.k <= s.avail && n < len(ws); r = s.queue.Front() {
			s.queue.Remove(r)
			s.avail -= r.k
			r.granted = true
			if r.waker != nil {
				ws[n] = r.waker
				r.waker = nil
				n++
			}
		}
		r := s.queue.Front()
		more := n == len(ws) && r != nil && r.k <= s.avail
		s.mu.Unlock()
		for _, w := range ws[:n] {
			w.Wake()
		}
		if !more {
			return
		}
		s.mu.Lock()
	}
}
