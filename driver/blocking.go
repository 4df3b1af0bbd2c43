package driver

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/waitlist"
)

// DefaultBlockingThreads is the number of goroutines a loop's blocking pool
// runs at most when Config.BlockingThreads is zero.
const DefaultBlockingThreads = 16

// DefaultBlockingQueue is the number of functions a loop's blocking pool
// queues at most, waiting for a goroutine, when Config.BlockingQueue is zero.
const DefaultBlockingQueue = 256

// ErrBlockingPoolClosed is the error of a [SpawnBlocking] future polled
// after its loop's blocking pool was shut down by [Loop.Close], and of the
// functions still queued when Close ran: they are never started.
var ErrBlockingPoolClosed = errors.New("driver: blocking pool closed: the loop is shutting down")

// SpawnBlocking returns a lazy future that runs fn on the blocking pool of
// the loop that polls it and is ready with what fn returns. It is the way to
// call code that blocks (a file system call, a C library, a CPU-heavy
// computation) from a task without holding up the loop: the loop goes on
// polling its other tasks while fn runs on a goroutine of the pool, and the
// goroutine wakes the task when fn returns.
//
// Building the future runs nothing; the first poll queues fn. The pool of
// each loop holds at most Config.BlockingThreads goroutines, started as
// work arrives and stopped by [Loop.Close], and a queue of at most
// Config.BlockingQueue functions waiting for one of them. When the queue is
// full, the future answers pending, and is woken, first come first served,
// when a slot frees; so a burst of blocking work slows its tasks down
// instead of growing without bound.
//
// fn runs to its end once started: a future abandoned (or cancelled with
// its task) while fn runs drops the result; one abandoned while queued
// never runs fn. A panic in fn is recovered and the future fails with a
// *[future.PanicError]. Polled outside a loop, the future fails with
// [future.ErrNoDriver]; polled after its loop was closed, or still queued
// when Close ran, with [ErrBlockingPoolClosed].
func SpawnBlocking[T any](fn func() (T, error)) future.Future[T] {
	return &blockingFuture[T]{fn: fn}
}

// blockingFuture is the future of SpawnBlocking. Its job is shared with the
// goroutine that runs it.
type blockingFuture[T any] struct {
	fn   func() (T, error)
	job  *blockingJob[T]
	pool *blockingPool
	done bool
}

func (f *blockingFuture[T]) Poll(cx *future.Context) future.Poll[T] {
	if f.done {
		return future.Fail[T](future.ErrPolledAfterCompletion)
	}
	if f.job == nil {
		l, err := LoopOf(cx)
		if err != nil {
			return f.finish(future.Fail[T](err))
		}
		f.job = &blockingJob[T]{fn: f.fn}
		f.fn = nil
		f.pool = &l.blocking
		f.pool.configure(&l.cfg)
	}
	if !f.job.submitted {
		ok, err := f.pool.submit(cx, f.job, &f.job.slot)
		if err != nil {
			return f.finish(future.Fail[T](err))
		}
		if !ok {
			return future.Pending[T]()
		}
		f.job.submitted = true
	}
	j := f.job
	j.mu.Lock()
	if j.finished {
		v, err := j.val, j.err
		j.mu.Unlock()
		return f.finish(future.Result(v, err))
	}
	j.waker = cx.Waker()
	j.mu.Unlock()
	return future.Pending[T]()
}

func (f *blockingFuture[T]) finish(p future.Poll[T]) future.Poll[T] {
	f.done, f.fn, f.job, f.pool = true, nil, nil, nil
	return p
}

// Abandon tells the future it will not be polled again: a function still
// queued is not run, a future waiting for a queue slot leaves the line (its
// reserved slot, if any, goes to the next one), and the result of a
// function already running is dropped.
func (f *blockingFuture[T]) Abandon() {
	if f.done {
		return
	}
	if j := f.job; j != nil {
		if !j.submitted {
			f.pool.leave(&j.slot)
		}
		j.abandon()
	}
	f.finish(future.Poll[T]{})
}

// blockingRunner is a queued job, whatever its result type.
type blockingRunner interface {
	run(done func()) // done is called once fn has returned, before the task is woken
	cancel(err error)
}

// blockingJob is one function on its way through the pool. The future and
// the goroutine that runs it share it under mu.
type blockingJob[T any] struct {
	fn        func() (T, error)
	slot      slotWaiter
	submitted bool // loop side only
	abandoned atomic.Bool

	mu       sync.Mutex
	waker    future.Waker
	finished bool
	val      T
	err      error
}

func (j *blockingJob[T]) run(done func()) {
	if j.abandoned.Load() {
		done()
		return
	}
	fn := j.fn
	j.fn = nil
	v, err := callBlocking(fn)
	done() // counted as completed before the task can see the result
	j.complete(v, err)
}

// callBlocking calls fn, turning a panic into a *future.PanicError.
func callBlocking[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &future.PanicError{Future: fmt.Sprintf("driver.SpawnBlocking(%T)", fn), Value: r, Stack: debug.Stack()}
		}
	}()
	return fn()
}

func (j *blockingJob[T]) cancel(err error) {
	var zero T
	j.complete(zero, err)
}

func (j *blockingJob[T]) complete(v T, err error) {
	j.mu.Lock()
	j.val, j.err, j.finished = v, err, true
	w := j.waker
	j.waker = nil
	j.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (j *blockingJob[T]) abandon() {
	j.abandoned.Store(true)
	j.mu.Lock()
	j.waker = nil
	var zero T
	j.val, j.err = zero, nil
	j.mu.Unlock()
}

// slotWaiter is a future waiting for a slot in a full queue.
type slotWaiter struct {
	waitlist.Node[slotWaiter]
	waker   future.Waker
	granted bool // a freed slot was reserved for this waiter
}

// blockingPool is a loop's pool of goroutines for blocking work. Its zero
// value is ready; the first submit sizes it and starts goroutines as work
// arrives. Every field is guarded by mu.
type blockingPool struct {
	mu       sync.Mutex
	work     sync.Cond // signalled when a job is queued or the pool closes
	threads  int       // goroutines started and not yet ended
	idle     int       // goroutines waiting for work that no signal has claimed
	running  int       // jobs being run
	queue    []blockingRunner
	head     int // index of the first queued job in queue (a ring)
	size     int // queued jobs
	reserved int // freed slots handed to waiters that have not taken them yet
	waiters  waitlist.List[slotWaiter, *slotWaiter]
	nwaiters int

	maxThreads int
	closed     bool
	wg         sync.WaitGroup
	completed  uint64
}

// configure reads the pool's bounds from the loop's configuration, once.
func (p *blockingPool) configure(cfg *Config) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.queue != nil {
		return
	}
	p.maxThreads = cfg.BlockingThreads
	if p.maxThreads <= 0 {
		p.maxThreads = DefaultBlockingThreads
	}
	n := cfg.BlockingQueue
	if n <= 0 {
		n = DefaultBlockingQueue
	}
	p.queue = make([]blockingRunner, n)
	p.work.L = &p.mu
}

// submit queues j, or parks cx's waker in the line of w when the queue is
// full. It reports whether j was queued.
func (p *blockingPool) submit(cx *future.Context, j blockingRunner, w *slotWaiter) (bool, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return false, ErrBlockingPoolClosed
	}
	switch {
	case w.granted:
		w.granted = false
		p.reserved--
	case w.Queued():
		w.waker = cx.Waker()
		p.mu.Unlock()
		return false, nil
	case p.size+p.reserved >= len(p.queue) || !p.waiters.Empty():
		w.waker = cx.Waker()
		p.waiters.PushBack(w)
		p.nwaiters++
		p.mu.Unlock()
		return false, nil
	}
	p.queue[(p.head+p.size)%len(p.queue)] = j
	p.size++
	start := false
	switch {
	case p.idle > 0:
		p.idle--
		p.work.Signal()
	case p.threads < p.maxThreads:
		p.threads++
		p.wg.Add(1)
		start = true
	}
	p.mu.Unlock()
	if start {
		go p.worker()
	}
	return true, nil
}

// leave takes w out of the line, passing on a slot reserved for it.
func (p *blockingPool) leave(w *slotWaiter) {
	p.mu.Lock()
	var next future.Waker
	switch {
	case w.Queued():
		p.waiters.Remove(w)
		p.nwaiters--
	case w.granted:
		w.granted = false
		p.reserved--
		next = p.grantLocked()
	}
	w.waker = nil
	p.mu.Unlock()
	if next != nil {
		next.Wake()
	}
}

// grantLocked reserves a free slot for the first waiter, if any, and
// returns its waker.
func (p *blockingPool) grantLocked() future.Waker {
	w := p.waiters.Front()
	if w == nil || p.closed || p.size+p.reserved >= len(p.queue) {
		return nil
	}
	p.waiters.Remove(w)
	p.nwaiters--
	w.granted = true
	p.reserved++
	wk := w.waker
	w.waker = nil
	return wk
}

// worker runs queued jobs until the pool is closed.
func (p *blockingPool) worker() {
	defer p.wg.Done()
	done := p.jobDone // one func value for the worker's life, not one per job
	p.mu.Lock()
	for {
		for p.size == 0 && !p.closed {
			p.idle++
			p.work.Wait()
		}
		if p.size == 0 { // closed, and nothing left
			p.threads--
			p.mu.Unlock()
			return
		}
		j := p.queue[p.head]
		p.queue[p.head] = nil
		p.head = (p.head + 1) % len(p.queue)
		p.size--
		p.running++
		next := p.grantLocked()
		p.mu.Unlock()
		if next != nil {
			next.Wake()
		}
		j.run(done)
		p.mu.Lock()
	}
}

// jobDone counts a job that has returned: it is no longer running.
func (p *blockingPool) jobDone() {
	p.mu.Lock()
	p.running--
	p.completed++
	p.mu.Unlock()
}

// close shuts the pool: the jobs still queued fail with
// ErrBlockingPoolClosed without running, the futures waiting for a slot are
// woken (to see the error), and close waits for the jobs running to return
// and for every goroutine of the pool to end.
func (p *blockingPool) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.wg.Wait()
		return
	}
	p.closed = true
	var dropped []blockingRunner
	for p.size > 0 {
		dropped = append(dropped, p.queue[p.head])
		p.queue[p.head] = nil
		p.head = (p.head + 1) % len(p.queue)
		p.size--
	}
	var woken []future.Waker
	for w := p.waiters.Front(); w != nil; w = p.waiters.Front() {
		p.waiters.Remove(w)
		if w.waker != nil {
			woken = append(woken, w.waker)
			w.waker = nil
		}
	}
	p.nwaiters = 0
	p.idle = 0
	p.work.Broadcast()
	p.mu.Unlock()
	for _, j := range dropped {
		j.cancel(ErrBlockingPoolClosed)
	}
	for _, w := range woken {
		w.Wake()
	}
	p.wg.Wait()
}

// BlockingStats is a snapshot of a loop's blocking pool.
type BlockingStats struct {
	Threads   int    // goroutines of the pool (running a function or idle)
	Running   int    // functions running now
	Queued    int    // functions waiting for a goroutine
	Waiting   int    // futures waiting for a slot in the full queue
	Completed uint64 // functions run to their end since the loop was made
}

// BlockingStats returns a snapshot of the loop's blocking pool (see
// [SpawnBlocking]). It is safe from any goroutine.
func (l *Loop) BlockingStats() BlockingStats {
	p := &l.blocking
	p.mu.Lock()
	defer p.mu.Unlock()
	return BlockingStats{Threads: p.threads, Running: p.running, Queued: p.size,
		Waiting: p.nwaiters, Completed: p.completed}
}
