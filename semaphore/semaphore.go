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
//   - an acquire that is given up before its future has answered (a Select
//     that picked something else, a timeout) must be canceled with
//     [AcquireFuture.Cancel]: that removes it from the queue, or gives back
//     permits that were granted to it but never handed out.
package semaphore

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/eddyio/eddy/future"
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
	head  *AcquireFuture // first waiting request
	tail  *AcquireFuture
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
	if s.head != nil || s.avail < k {
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
	a := &AcquireFuture{sem: s, k: k}
	a.permit = Permit{sem: s, k: k}
	return a
}

// AcquireFuture is the future of an Acquire: a future.Future[*Permit]. It is
// polled by one task at a time; Cancel is safe from any goroutine.
type AcquireFuture struct {
	sem        *Semaphore
	k          int
	prev, next *AcquireFuture // the queue; guarded by sem.mu
	queued     bool           // guarded by sem.mu
	granted    bool           // permits are set aside for it; guarded by sem.mu
	done       bool           // answered or canceled; guarded by sem.mu
	canceled   bool           // guarded by sem.mu
	waker      future.Waker   // guarded by sem.mu
	permit     Permit
}

var _ future.Future[*Permit] = (*AcquireFuture)(nil)

// Poll answers the permits once they are granted, or pending with the task
// queued behind the requests that came first.
func (a *AcquireFuture) Poll(cx *future.Context) future.Poll[*Permit] {
	s := a.sem
	if a.k < 0 || a.k > s.size {
		return future.Fail[*Permit](ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case a.canceled:
		return future.Fail[*Permit](ErrCanceled)
	case a.done:
		return future.Fail[*Permit](future.ErrPolledAfterCompletion)
	case a.granted:
	case !a.queued && s.head == nil && s.avail >= a.k:
		s.avail -= a.k
	default:
		a.waker = cx.Waker()
		if !a.queued {
			s.push(a)
		}
		return future.Pending[*Permit]()
	}
	a.done, a.granted, a.waker = true, false, nil
	return future.Ok(&a.permit)
}

// Cancel gives up the acquire: a waiting request leaves the queue (which may
// let the requests behind it through), and permits granted to it but not yet
// answered by Poll are given back. Once Poll has answered with the permit,
// Cancel does nothing: release the permit instead. Cancel is idempotent.
func (a *AcquireFuture) Cancel() {
	s := a.sem
	s.mu.Lock()
	if a.done {
		s.mu.Unlock()
		return
	}
	a.done, a.canceled, a.waker = true, true, nil
	if a.queued {
		s.remove(a)
	}
	if a.granted {
		a.granted = false
		s.avail += a.k
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
		for s.head != nil && s.head.k <= s.avail && n < len(ws) {
			a := s.head
			s.remove(a)
			s.avail -= a.k
			a.granted = true
			if a.waker != nil {
				ws[n] = a.waker
				a.waker = nil
				n++
			}
		}
		more := n == len(ws) && s.head != nil && s.head.k <= s.avail
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

func (s *Semaphore) push(a *AcquireFuture) {
	a.prev, a.next, a.queued = s.tail, nil, true
	if s.tail == nil {
		s.head = a
	} else {
		s.tail.next = a
	}
	s.tail = a
}

func (s *Semaphore) remove(a *AcquireFuture) {
	if a.prev == nil {
		s.head = a.next
	} else {
		a.prev.next = a.next
	}
	if a.next == nil {
		s.tail = a.prev
	} else {
		a.next.prev = a.prev
	}
	a.prev, a.next, a.queued = nil, nil, false
}
