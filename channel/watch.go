package channel

import (
	"runtime"
	"sync"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// watchState is the state shared by the ends of a watch channel.
type watchState[T any] struct {
	mu        sync.Mutex // guards every field below and the receivers' nodes
	val       T
	version   uint64 // bumped by every Send
	txClosed  bool
	receivers int      // receivers not yet closed
	waiters   waitList // receivers waiting for a change
	txWaker   future.Waker
}

// Watch returns the two ends of a channel that holds the latest value sent,
// starting with initial: the shape for configuration and shutdown signals.
// Receivers are cloned freely; each sees a change it has not seen yet, and
// only the latest value (a receiver that falls behind skips values). Either
// end may be used from a task or any goroutine.
func Watch[T any](initial T) (*WatchSender[T], *WatchReceiver[T]) {
	w := &watchState[T]{val: initial, version: 1, receivers: 1}
	tx := &WatchSender[T]{w: w}
	tx.cleanup = runtime.AddCleanup(tx, (*watchState[T]).closeTx, w)
	return tx, newWatchReceiver(w, &watchNode{seen: 1})
}

// WatchSender is the sending end of a watch channel. Its methods are safe
// from any goroutine.
type WatchSender[T any] struct {
	w       *watchState[T]
	cleanup runtime.Cleanup
}

// Send makes v the latest value and wakes every receiver waiting for a
// change. It fails with [ErrClosed] if the sender was closed (v is then
// dropped) or if every receiver has been closed (v is stored anyway, for
// receivers made later by Subscribe).
func (s *WatchSender[T]) Send(v T) error {
	w := s.w
	w.mu.Lock()
	if w.txClosed {
		w.mu.Unlock()
		return ErrClosed
	}
	w.val = v
	w.version++
	err := error(nil)
	if w.receivers == 0 {
		err = ErrClosed
	}
	w.wakeAllLocked()
	runtime.KeepAlive(s) // the cleanup must not close s meanwhile
	return err
}

// wakeAllLocked wakes every waiting receiver and unlocks w.
func (w *watchState[T]) wakeAllLocked() {
	for {
		var b wakeBatch
		more := b.drainInto(&w.waiters)
		w.mu.Unlock()
		b.wake()
		if !more {
			return
		}
		w.mu.Lock()
	}
}

// Close closes the sender: receivers see the values they have not seen
// yet, and then Changed fails with [ErrClosed] and their streams end. Close
// is idempotent.
func (s *WatchSender[T]) Close() {
	s.cleanup.Stop()
	s.w.closeTx()
}

func (w *watchState[T]) closeTx() {
	w.mu.Lock()
	if w.txClosed {
		w.mu.Unlock()
		return
	}
	w.txClosed = true
	w.wakeAllLocked()
}

// Subscribe returns a new receiver that has seen the current value.
func (s *WatchSender[T]) Subscribe() *WatchReceiver[T] {
	w := s.w
	w.mu.Lock()
	w.receivers++
	n := &watchNode{seen: w.version}
	w.mu.Unlock()
	runtime.KeepAlive(s)
	return newWatchReceiver(w, n)
}

// PollClosed answers ready once every receiver has been closed, so the
// producer of the values can stop; until then it is pending with the
// task's waker registered.
func (s *WatchSender[T]) PollClosed(cx *future.Context) future.Poll[struct{}] {
	w := s.w
	w.mu.Lock()
	p := future.Ok(struct{}{})
	if w.receivers > 0 {
		w.txWaker = cx.Waker()
		p = future.Pending[struct{}]()
	}
	w.mu.Unlock()
	runtime.KeepAlive(s)
	return p
}

// Closed returns a future that completes once every receiver has been
// closed (see PollClosed).
func (s *WatchSender[T]) Closed() future.Future[struct{}] { return future.PollFn(s.PollClosed) }

// watchNode is one receiver's state; it holds no pointer to its handle so
// that the handle's cleanup can run.
type watchNode struct {
	waiter
	seen   uint64 // the version last seen
	closed bool
}

// WatchReceiver is a receiving end of a watch channel. It is a
// [stream.Stream] of the values it has not seen, latest wins, that ends
// when the sender is closed. Each receiver is used by one task or
// goroutine at a time; Clone makes another. Every receiver must be closed
// when it is done, so that the sender can tell when nobody listens.
type WatchReceiver[T any] struct {
	w       *watchState[T]
	n       *watchNode
	block   signal // for ChangedBlocking; made on first use
	cleanup runtime.Cleanup
}

func newWatchReceiver[T any](w *watchState[T], n *watchNode) *WatchReceiver[T] {
	r := &WatchReceiver[T]{w: w, n: n}
	r.cleanup = runtime.AddCleanup(r, func(n *watchNode) { w.closeRx(n) }, n)
	return r
}

// Borrow returns the latest value and marks it seen.
func (r *WatchReceiver[T]) Borrow() T {
	w := r.w
	w.mu.Lock()
	v := w.val
	r.n.seen = w.version
	w.mu.Unlock()
	runtime.KeepAlive(r)
	return v
}

// Clone returns a new receiver that has seen what r has seen.
func (r *WatchReceiver[T]) Clone() *WatchReceiver[T] {
	w := r.w
	w.mu.Lock()
	n := &watchNode{seen: r.n.seen, closed: r.n.closed}
	if !n.closed {
		w.receivers++
	}
	w.mu.Unlock()
	runtime.KeepAlive(r)
	return newWatchReceiver(w, n)
}

// poll marks a newer value seen and returns it (changed true), or reports
// that none will come (err ErrClosed), or registers the waker from waker
// (if not nil).
func (r *WatchReceiver[T]) poll(waker func() future.Waker) (v T, changed bool, err error) {
	w, n := r.w, r.n
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case n.closed:
		return v, false, ErrClosed
	case w.version != n.seen:
		n.seen = w.version
		return w.val, true, nil
	case w.txClosed:
		return v, false, ErrClosed
	}
	if waker != nil {
		n.waker = waker()
		if !n.Queued() {
			w.waiters.PushBack(&n.waiter)
		}
	}
	return v, false, nil
}

// PollChanged answers ready when a value newer than the last one this
// receiver has seen is there, and marks it seen; it fails with [ErrClosed]
// when the sender has been closed and no unseen value is left (or the
// receiver was closed), and is pending with the task's waker registered
// otherwise.
func (r *WatchReceiver[T]) PollChanged(cx *future.Context) future.Poll[struct{}] {
	_, changed, err := r.poll(cx.Waker)
	runtime.KeepAlive(r)
	if !changed && err == nil {
		return future.Pending[struct{}]()
	}
	return future.Result(struct{}{}, err)
}

// Changed returns a future that completes when a value newer than the last
// one seen arrives (see PollChanged). Abandoned while it waits
// (future.Abandoner), it withdraws the receiver's waker, as the receiver's
// own Abandon does.
func (r *WatchReceiver[T]) Changed() future.Future[struct{}] {
	return &waitFuture{h: r}
}

// ChangedBlocking waits, blocking the calling goroutine, for a value newer
// than the last one seen, marks it seen and returns it. It fails with
// [ErrClosed] as PollChanged does. It is for ordinary goroutines, not tasks.
func (r *WatchReceiver[T]) ChangedBlocking() (T, error) {
	if r.block == nil {
		r.block = newSignal()
	}
	for {
		v, changed, err := r.poll(r.blockWaker)
		if changed || err != nil {
			return v, err
		}
		r.block.wait()
	}
}

func (r *WatchReceiver[T]) blockWaker() future.Waker { return r.block }

// PollNext answers the latest value if this receiver has not seen it, the
// end once the sender is closed and nothing unseen is left, or pending with
// the task's waker registered.
func (r *WatchReceiver[T]) PollNext(cx *future.Context) stream.Poll[T] {
	v, changed, err := r.poll(cx.Waker)
	runtime.KeepAlive(r)
	switch {
	case changed:
		return stream.Item(v)
	case err != nil:
		return stream.End[T]()
	}
	return stream.Pending[T]()
}

// Close closes this receiver; when the last one is closed, the sender's
// PollClosed completes. Close is idempotent.
func (r *WatchReceiver[T]) Close() {
	r.cleanup.Stop()
	r.w.closeRx(r.n)
}

func (w *watchState[T]) closeRx(n *watchNode) {
	w.mu.Lock()
	if n.closed {
		w.mu.Unlock()
		return
	}
	n.closed = true
	w.waiters.Remove(&n.waiter)
	n.waker = nil
	w.receivers--
	var tx future.Waker
	if w.receivers == 0 {
		tx, w.txWaker = w.txWaker, nil
	}
	w.mu.Unlock()
	wake(tx)
}

// Abandon withdraws the waker a pending PollNext or PollChanged parked
// (future.Abandoner), so that the next Send does not wake a task that no
// longer waits. The receiver stays open and usable; Close closes it.
func (r *WatchReceiver[T]) Abandon() {
	w, n := r.w, r.n
	w.mu.Lock()
	w.waiters.Remove(&n.waiter)
	n.waker = nil
	w.mu.Unlock()
	runtime.KeepAlive(r)
}

var _ stream.Stream[int] = (*WatchReceiver[int])(nil)
var _ future.Abandoner = (*WatchReceiver[int])(nil)
