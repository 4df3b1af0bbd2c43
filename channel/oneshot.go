package channel

import (
	"runtime"
	"sync"

	"github.com/eddyio/eddy/future"
)

// oneshot is the state shared by the two ends of a oneshot channel.
type oneshot[T any] struct {
	mu       sync.Mutex // guards every field below
	val      T
	sent     bool // val holds the value
	txDone   bool // the sender sent or was closed
	rxClosed bool // the receiver was closed or has taken its answer
	rxWaker  future.Waker
	txWaker  future.Waker // the sender's, in PollCanceled
	taken    bool         // the receiver has answered
}

// Oneshot returns the two ends of a channel that carries one value, once.
// The receiver is a future of the value that fails with [ErrCanceled] if the
// sender is closed without sending; the sender can notice the receiver
// leaving (PollCanceled). Either end may be used from a task or any
// goroutine. Close an end that is given up (see the package doc).
func Oneshot[T any]() (*OneshotSender[T], *OneshotReceiver[T]) {
	o := &oneshot[T]{}
	tx, rx := &OneshotSender[T]{o: o}, &OneshotReceiver[T]{o: o}
	tx.cleanup = runtime.AddCleanup(tx, (*oneshot[T]).closeTx, o)
	rx.cleanup = runtime.AddCleanup(rx, (*oneshot[T]).closeRx, o)
	return tx, rx
}

// OneshotSender is the sending end of a oneshot channel. Its methods are
// safe from any goroutine.
type OneshotSender[T any] struct {
	o       *oneshot[T]
	cleanup runtime.Cleanup
}

// Send sends v and wakes the receiver. It fails with [ErrClosed] if the
// receiver is gone or if the sender has already sent or been closed; the
// value is then dropped.
func (s *OneshotSender[T]) Send(v T) error {
	s.cleanup.Stop()
	o := s.o
	o.mu.Lock()
	if o.txDone || o.rxClosed {
		o.txDone = true
		o.mu.Unlock()
		return ErrClosed
	}
	o.val, o.sent, o.txDone = v, true, true
	rx := o.rxWaker
	o.rxWaker = nil
	o.mu.Unlock()
	wake(rx)
	return nil
}

// Close closes the sender without sending, if it has not sent yet: the
// receiver then fails with [ErrCanceled]. Close is idempotent.
func (s *OneshotSender[T]) Close() {
	s.cleanup.Stop()
	s.o.closeTx()
}

func (o *oneshot[T]) closeTx() {
	o.mu.Lock()
	if o.txDone {
		o.mu.Unlock()
		return
	}
	o.txDone = true
	rx := o.rxWaker
	o.rxWaker = nil
	o.mu.Unlock()
	wake(rx)
}

// PollCanceled answers ready once nobody will take a value: the receiver
// has been closed, or the sender has already sent or been closed. Until
// then it is pending with the task's waker registered, so a task computing
// the answer can stop when the asker has left.
func (s *OneshotSender[T]) PollCanceled(cx *future.Context) future.Poll[struct{}] {
	o := s.o
	o.mu.Lock()
	p := future.Ok(struct{}{})
	if !o.rxClosed && !o.txDone {
		o.txWaker = cx.Waker()
		p = future.Pending[struct{}]()
	}
	o.mu.Unlock()
	runtime.KeepAlive(s) // the cleanup must not close s meanwhile
	return p
}

// Canceled returns a future that completes when the receiver is gone (see
// PollCanceled).
func (s *OneshotSender[T]) Canceled() future.Future[struct{}] { return future.PollFn(s.PollCanceled) }

// OneshotReceiver is the receiving end of a oneshot channel: a future of
// the value. It is polled by one task at a time; Close and TryRecv are safe
// from any goroutine.
type OneshotReceiver[T any] struct {
	o       *oneshot[T]
	block   signal // for RecvBlocking; made on first use
	cleanup runtime.Cleanup
}

// Poll answers the value once it is sent, fails with [ErrCanceled] if the
// sender was closed without sending, and is pending (with the task's waker
// registered) until one of those happens. It fails with [ErrClosed] after
// Close, and with future.ErrPolledAfterCompletion after it has answered.
func (r *OneshotReceiver[T]) Poll(cx *future.Context) future.Poll[T] {
	v, err := r.o.recv(cx.Waker)
	runtime.KeepAlive(r)
	if err == ErrEmpty {
		return future.Pending[T]()
	}
	return future.Result(v, err)
}

// recv takes the value, or registers the waker from waker (if not nil) and
// fails with ErrEmpty.
func (o *oneshot[T]) recv(waker func() future.Waker) (T, error) {
	o.mu.Lock()
	var zero T
	switch {
	case o.sent:
		v := o.val
		o.val, o.sent = zero, false
		o.finishLocked()
		o.mu.Unlock()
		return v, nil
	case o.rxClosed:
		o.mu.Unlock()
		return zero, o.afterEnd()
	case o.txDone:
		o.finishLocked()
		o.mu.Unlock()
		return zero, ErrCanceled
	}
	if waker != nil {
		o.rxWaker = waker()
	}
	o.mu.Unlock()
	return zero, ErrEmpty
}

// finishLocked marks the receiver done once it has its answer.
func (o *oneshot[T]) finishLocked() {
	o.rxClosed = true
	o.rxWaker = nil
	o.taken = true
}

func (o *oneshot[T]) afterEnd() error {
	if o.taken {
		return future.ErrPolledAfterCompletion
	}
	return ErrClosed
}

// TryRecv takes the value without waiting. It fails with [ErrEmpty] when
// nothing has been sent yet and with [ErrCanceled] when the sender was
// closed without sending.
func (r *OneshotReceiver[T]) TryRecv() (T, error) {
	v, err := r.o.recv(nil)
	runtime.KeepAlive(r)
	return v, err
}

// RecvBlocking waits, blocking the calling goroutine, for the value, and
// fails as Poll does. It is for ordinary goroutines, not tasks.
func (r *OneshotReceiver[T]) RecvBlocking() (T, error) {
	if r.block == nil {
		r.block = newSignal()
	}
	for {
		v, err := r.o.recv(r.blockWaker)
		if err != ErrEmpty {
			return v, err
		}
		r.block.wait()
	}
}

func (r *OneshotReceiver[T]) blockWaker() future.Waker { return r.block }

// Abandon withdraws the waker a pending Poll parked (future.Abandoner), so
// that the Send does not wake a task that no longer waits (a Select that
// chose another branch, a Timeout that fired). The receiver is not closed:
// the value can still be received, and the sender's PollCanceled does not
// answer; Close closes it.
func (r *OneshotReceiver[T]) Abandon() {
	o := r.o
	o.mu.Lock()
	o.rxWaker = nil
	o.mu.Unlock()
	runtime.KeepAlive(r)
}

var _ future.Abandoner = (*OneshotReceiver[int])(nil)

// Close tells the sender that the value is no longer wanted: its Send fails
// with [ErrClosed] and its PollCanceled completes. A value already sent is
// dropped. Close is idempotent.
func (r *OneshotReceiver[T]) Close() {
	r.cleanup.Stop()
	r.o.closeRx()
}

func (o *oneshot[T]) closeRx() {
	o.mu.Lock()
	if o.rxClosed {
		o.mu.Unlock()
		return
	}
	var zero T
	o.rxClosed, o.val, o.rxWaker = true, zero, nil
	tx := o.txWaker
	o.txWaker = nil
	o.mu.Unlock()
	wake(tx)
}
