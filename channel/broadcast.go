package channel

import (
	"runtime"
	"strconv"
	"sync"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// broadcastState is the state shared by the ends of a broadcast channel.
//
// The ring holds the last len(ring) values sent: the value numbered seq
// (counting from 0, in the order sent) is ring[seq%len(ring)], and tail is
// the number of the next value to send. A receiver keeps the number of the
// next value it will take; it has missed values when tail-next exceeds the
// ring's length.
type broadcastState[T any] struct {
	mu        sync.Mutex // guards every field below and the receivers' nodes
	ring      []T
	tail      uint64
	senders   int      // senders not yet closed
	receivers int      // receivers not yet closed
	waiters   waitList // receivers waiting for a value
}

// Broadcast returns the two ends of a channel that hands every value sent
// to every receiver: one sender (cloned with Clone if several producers
// need one) and receivers made with Subscribe, each of which receives every
// value sent after it was made. capacity is how many values the channel
// keeps for receivers that have not taken them yet (below 1 it is taken as
// 1); a send never waits, and a receiver that falls further behind loses
// the oldest (see [BroadcastReceiver]). The channel keeps the last capacity
// values until they are overwritten or every receiver is closed. Either end
// may be used from a task or any goroutine.
func Broadcast[T any](capacity int) (*BroadcastSender[T], *BroadcastReceiver[T]) {
	b := &broadcastState[T]{ring: make([]T, max(capacity, 1)), senders: 1, receivers: 1}
	return newBroadcastSender(b, &broadcastSenderState{}), newBroadcastReceiver(b, &broadcastNode{})
}

// broadcastSenderState is one sender handle's state; it holds no pointer
// to the handle, so that the handle's cleanup can run.
type broadcastSenderState struct {
	done bool // guarded by the channel's mutex
}

// BroadcastSender is a sending end of a broadcast channel. Its methods are
// safe from any goroutine; every sender, clones included, must be closed
// when it is done, so that the receivers' streams can end.
type BroadcastSender[T any] struct {
	b       *broadcastState[T]
	s       *broadcastSenderState
	cleanup runtime.Cleanup
}

func newBroadcastSender[T any](b *broadcastState[T], s *broadcastSenderState) *BroadcastSender[T] {
	h := &BroadcastSender[T]{b: b, s: s}
	if !s.done {
		h.cleanup = runtime.AddCleanup(h, func(s *broadcastSenderState) { b.closeTx(s) }, s)
	}
	return h
}

// Send hands v to every receiver open now, at once: it never waits, and a
// receiver that has not taken the value that v pushes out of the channel's
// capacity will learn that it missed it. Every receiver gets a copy of v; a
// value that holds a pointer (a slice, a map) is shared by them all, so
// treat it as read-only once sent. Send fails with [ErrClosed] if this
// sender was closed, or if no receiver is open (v is then dropped: a
// receiver made later receives only what is sent after it).
func (s *BroadcastSender[T]) Send(v T) error {
	b := s.b
	b.mu.Lock()
	switch {
	case s.s.done:
		b.mu.Unlock()
		return ErrClosed
	case b.receivers == 0:
		b.mu.Unlock()
		return ErrClosed
	}
	b.ring[b.tail%uint64(len(b.ring))] = v
	b.tail++
	b.wakeAllLocked()
	runtime.KeepAlive(s) // the cleanup must not close s meanwhile
	return nil
}

// wakeAllLocked wakes every waiting receiver and unlocks b.
func (b *broadcastState[T]) wakeAllLocked() {
	for {
		var w wakeBatch
		more := w.drainInto(&b.waiters)
		b.mu.Unlock()
		w.wake()
		if !more {
			return
		}
		b.mu.Lock()
	}
}

// Subscribe returns a new receiver, which receives every value sent from
// now on. It can be called on a closed sender; once every sender is
// closed, a new receiver's stream ends at once.
func (s *BroadcastSender[T]) Subscribe() *BroadcastReceiver[T] {
	b := s.b
	b.mu.Lock()
	b.receivers++
	n := &broadcastNode{next: b.tail}
	b.mu.Unlock()
	runtime.KeepAlive(s)
	return newBroadcastReceiver(b, n)
}

// Clone returns a new sender on the same channel, to be closed on its own.
// Cloning a closed sender returns a closed sender.
func (s *BroadcastSender[T]) Clone() *BroadcastSender[T] {
	b := s.b
	n := &broadcastSenderState{}
	b.mu.Lock()
	if s.s.done {
		n.done = true
	} else {
		b.senders++
	}
	b.mu.Unlock()
	runtime.KeepAlive(s)
	return newBroadcastSender(b, n)
}

// Receivers reports how many receivers are open.
func (s *BroadcastSender[T]) Receivers() int {
	b := s.b
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.receivers
}

// Close closes this sender; when the last one is closed, each receiver
// takes the values it has not taken yet and then its stream ends. Close is
// idempotent.
func (s *BroadcastSender[T]) Close() {
	s.cleanup.Stop()
	s.b.closeTx(s.s)
}

func (b *broadcastState[T]) closeTx(s *broadcastSenderState) {
	b.mu.Lock()
	if s.done {
		b.mu.Unlock()
		return
	}
	s.done = true
	b.senders--
	if b.senders > 0 {
		b.mu.Unlock()
		return
	}
	b.wakeAllLocked()
}

// broadcastNode is one receiver's state; it holds no pointer to its handle
// so that the handle's cleanup can run.
type broadcastNode struct {
	waiter
	next   uint64 // the number of the next value to take
	closed bool
}

// BroadcastReceiver is a receiving end of a broadcast channel: a
// [stream.Stream] of every value sent after it was made, in order, that
// ends when every sender has been closed and it has taken what was left.
//
// # Lagging
//
// Sending never waits for a slow receiver. The channel keeps the last
// capacity values; when a receiver falls further behind than that, the
// values it has not taken are overwritten. Its next receive then fails
// with a [*LaggedError] (matching [ErrLagged] with errors.Is) that says how
// many values it missed, and it goes on from the oldest value still kept:
// a lag is an item error, not the end of the stream. A consumer that
// cannot afford to miss values stops there (a chat server disconnects the
// client); one that can, carries on.
//
// A receiver is used by one task or goroutine at a time. Every receiver
// must be closed when it is done, so that senders can tell that nobody
// listens.
type BroadcastReceiver[T any] struct {
	b       *broadcastState[T]
	n       *broadcastNode
	block   signal // for RecvBlocking; made on first use
	cleanup runtime.Cleanup
}

func newBroadcastReceiver[T any](b *broadcastState[T], n *broadcastNode) *BroadcastReceiver[T] {
	r := &BroadcastReceiver[T]{b: b, n: n}
	r.cleanup = runtime.AddCleanup(r, func(n *broadcastNode) { b.closeRx(n) }, n)
	return r
}

// recv takes the next value. When there is none yet it registers the waker
// that waker returns, if waker is not nil, and fails with ErrEmpty; at the
// end it fails with ErrClosed; after a lag, with the receiver's
// *LaggedError.
func (b *broadcastState[T]) recv(n *broadcastNode, waker func() future.Waker) (T, error) {
	var zero T
	b.mu.Lock()
	defer b.mu.Unlock()
	if n.closed {
		return zero, ErrClosed
	}
	if n.next == b.tail {
		if b.senders == 0 {
			return zero, ErrClosed
		}
		if waker != nil {
			n.waker = waker()
			if !n.Queued() {
				b.waiters.PushBack(&n.waiter)
			}
		}
		return zero, ErrEmpty
	}
	size := uint64(len(b.ring))
	if behind := b.tail - n.next; behind > size {
		n.next = b.tail - size
		return zero, &LaggedError{Missed: behind - size}
	}
	v := b.ring[n.next%size]
	n.next++
	return v, nil
}

// PollNext answers the next value; a [*LaggedError] item when values were
// lost to a lag (see [BroadcastReceiver]); the end once every sender is
// closed and every value kept has been taken, or once the receiver is
// closed; or pending with the task's waker registered.
func (r *BroadcastReceiver[T]) PollNext(cx *future.Context) stream.Poll[T] {
	v, err := r.b.recv(r.n, cx.Waker)
	runtime.KeepAlive(r) // the cleanup must not close r meanwhile
	switch err {
	case nil:
		return stream.Item(v)
	case ErrEmpty:
		return stream.Pending[T]()
	case ErrClosed:
		return stream.End[T]()
	}
	return stream.Fail[T](err)
}

// TryRecv takes the next value without waiting. It fails with [ErrEmpty]
// when no value is waiting yet, with a [*LaggedError] after a lag, and with
// [ErrClosed] when the channel has ended for this receiver.
func (r *BroadcastReceiver[T]) TryRecv() (T, error) {
	v, err := r.b.recv(r.n, nil)
	runtime.KeepAlive(r)
	return v, err
}

// RecvBlocking waits, blocking the calling goroutine, for the next value,
// and fails as TryRecv does except that it never answers [ErrEmpty]. It is
// for ordinary goroutines: a task must not block its loop, and uses
// PollNext instead.
func (r *BroadcastReceiver[T]) RecvBlocking() (T, error) {
	if r.block == nil {
		r.block = newSignal()
	}
	for {
		v, err := r.b.recv(r.n, r.blockWaker)
		runtime.KeepAlive(r)
		if err != ErrEmpty {
			return v, err
		}
		r.block.wait()
	}
}

func (r *BroadcastReceiver[T]) blockWaker() future.Waker { return r.block }

// Abandon withdraws the waker a pending PollNext parked, so that the next
// send does not wake a task that no longer waits. The receiver stays open
// and usable; Close closes it.
func (r *BroadcastReceiver[T]) Abandon() {
	b := r.b
	b.mu.Lock()
	b.waiters.Remove(&r.n.waiter)
	r.n.waker = nil
	b.mu.Unlock()
	runtime.KeepAlive(r)
}

// Close closes this receiver: it takes no more values, its parked waker
// (if any) is dropped, and it no longer counts as a receiver for Send.
// Close is idempotent.
func (r *BroadcastReceiver[T]) Close() {
	r.cleanup.Stop()
	r.b.closeRx(r.n)
}

func (b *broadcastState[T]) closeRx(n *broadcastNode) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n.closed {
		return
	}
	n.closed = true
	b.waiters.Remove(&n.waiter)
	n.waker = nil
	b.receivers--
	if b.receivers == 0 {
		clear(b.ring) // nobody can take these values any more
	}
}

// LaggedError is the error a broadcast receiver answers when it fell so
// far behind that values it had not taken were overwritten. It matches
// [ErrLagged] with errors.Is. The receiver goes on with the oldest value
// the channel still keeps.
type LaggedError struct {
	Missed uint64 // how many values the receiver lost
}

func (e *LaggedError) Error() string {
	return "channel: receiver lagged, " + strconv.FormatUint(e.Missed, 10) + " values missed"
}

// Is reports whether target is [ErrLagged].
func (e *LaggedError) Is(target error) bool { return target == ErrLagged }

var _ stream.Stream[int] = (*BroadcastReceiver[int])(nil)
var _ future.Abandoner = (*BroadcastReceiver[int])(nil)
