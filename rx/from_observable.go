package rx

import (
	"context"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/reactivex/rxgo/v2"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// DefaultBuffer is the number of items the bridges of this package hold
// between rxgo's goroutines and an eddy task: [FromObservable]'s buffer of
// items received but not yet polled, and [ToObservable]'s buffer of items
// polled but not yet taken by rxgo.
const DefaultBuffer = 64

// ObservableStream is the [stream.Stream] made by [FromObservable]: the items
// of an rxgo Observable, read by one subscription that the stream owns.
//
// The subscription starts on the first poll. A bridge goroutine receives the
// Observable's items, puts them in a bounded buffer and wakes the polling
// task; while the buffer is full it receives nothing more, and rxgo's
// goroutines block on their sends (back-pressure). [ObservableStream.Close]
// cancels the subscription; the stream also cancels it when the Observable
// completes, and when the stream is garbage collected without being closed.
//
// PollNext is called by one goroutine at a time; Close may be called from any
// goroutine, at any time.
type ObservableStream[T any] struct {
	size int
	done bool // the end was answered; polling goroutine only
	b    atomic.Pointer[bridge]

	mu          sync.Mutex      // serialises the first poll with Close
	obs         rxgo.Observable // nil once subscribed or closed
	closedEarly bool            // Close came before the first poll
}

// bridge is the state shared by the stream and its bridge goroutine. It does
// not point back at the ObservableStream, so that a stream dropped without
// Close can be collected and its cleanup cancel the subscription.
type bridge struct {
	buf    chan rxgo.Item // bounded; closed by the goroutine when the Observable completes
	cancel context.CancelFunc
	exited chan struct{} // closed when the bridge goroutine returns
	closed atomic.Bool   // Close was called

	mu    sync.Mutex
	waker future.Waker // the waker of a poll that found buf empty, or nil
}

// FromObservable returns a lazy stream of the items of obs, with a buffer of
// [DefaultBuffer] items. Each value becomes an item of type T: a value of
// another type is an item error (*[TypeError]) naming both types, and an
// error item of obs is an item error. The completion of obs is the end of
// the stream.
//
// Nothing subscribes to obs before the first poll. Close the stream (or read
// it to its end) to cancel the subscription: rxgo's goroutines then end.
func FromObservable[T any](obs rxgo.Observable) *ObservableStream[T] {
	return FromObservableSize[T](obs, DefaultBuffer)
}

// FromObservableSize is [FromObservable] with a buffer of size items; a size
// below 1 means 1. The buffer bounds how far the Observable may run ahead of
// the task polling the stream.
func FromObservableSize[T any](obs rxgo.Observable, size int) *ObservableStream[T] {
	return &ObservableStream[T]{obs: obs, size: max(size, 1)}
}

var _ stream.Stream[int] = (*ObservableStream[int])(nil)

// PollNext answers the next item of the Observable, an item error, the end,
// or pending with the waker handed to the bridge goroutine. The first call
// subscribes. After Close it answers the end.
func (s *ObservableStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if s.done {
		return stream.End[T]()
	}
	b := s.b.Load()
	if b == nil {
		if b = s.start(); b == nil {
			s.done = true
			return stream.End[T]()
		}
	}
	if b.closed.Load() {
		return s.end()
	}
	select {
	case it, ok := <-b.buf:
		return s.convert(it, ok)
	default:
	}
	// Register the waker, then look again: an item that arrived between the
	// first look and the registration did not find the waker to wake.
	b.mu.Lock()
	b.waker = cx.Waker()
	b.mu.Unlock()
	if b.closed.Load() {
		return s.end()
	}
	select {
	case it, ok := <-b.buf:
		return s.convert(it, ok)
	default:
		return stream.Pending[T]()
	}
}

// start subscribes to the Observable and starts the bridge goroutine. It
// returns nil if the stream was closed first (or has no Observable).
func (s *ObservableStream[T]) start() *bridge {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closedEarly || s.obs == nil {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &bridge{buf: make(chan rxgo.Item, s.size), cancel: cancel, exited: make(chan struct{})}
	src := s.obs.Observe(rxgo.WithContext(ctx))
	s.obs = nil
	go b.run(ctx, src)
	// A stream dropped without Close still cancels its subscription once
	// collected. The bridge never points at s, so s can be collected.
	runtime.AddCleanup(s, func(b *bridge) { b.cancel() }, b)
	s.b.Store(b)
	return b
}

// run is the bridge goroutine: it moves items from rxgo's channel into the
// bounded buffer and wakes the polling task after each.
func (b *bridge) run(ctx context.Context, src <-chan rxgo.Item) {
	defer close(b.exited)
	for {
		select {
		case <-ctx.Done():
			return
		case it, ok := <-src:
			if !ok {
				close(b.buf)
				b.wake()
				return
			}
			select {
			case b.buf <- it: // blocks while the task is behind: back-pressure
			case <-ctx.Done():
				return
			}
			b.wake()
		}
	}
}

// wake wakes the task of a poll that found the buffer empty, if any.
func (b *bridge) wake() {
	b.mu.Lock()
	w := b.waker
	b.waker = nil
	b.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

// convert turns a received item into the stream's answer.
func (s *ObservableStream[T]) convert(it rxgo.Item, ok bool) stream.Poll[T] {
	switch {
	case !ok:
		return s.end()
	case it.E != nil:
		return stream.Fail[T](it.E)
	}
	if v, ok := it.V.(T); ok {
		return stream.Item(v)
	}
	var zero T
	if it.V == nil && any(zero) == nil { // a nil value of an interface type
		return stream.Item(zero)
	}
	return stream.Fail[T](&TypeError{Value: it.V, Want: reflect.TypeFor[T]().String()})
}

// end answers the end and releases the subscription's context.
func (s *ObservableStream[T]) end() stream.Poll[T] {
	s.done = true
	s.b.Load().cancel()
	return stream.End[T]()
}

// Abandon closes the stream (contract 11): the future or combinator that
// polled it gave it up, so its subscription and bridge goroutine end at once.
func (s *ObservableStream[T]) Abandon() { s.Close() }

// Close cancels the subscription, if the stream has started one, and waits
// for the bridge goroutine to return. rxgo's goroutines see their context
// cancelled and end on their own, promptly. A task parked on the stream is
// woken and its next poll answers the end. Close is safe from any goroutine
// and idempotent; it always returns nil.
func (s *ObservableStream[T]) Close() error {
	s.mu.Lock()
	b := s.b.Load()
	if b == nil {
		// Not started: there is nothing to cancel. A poll after Close
		// answers the end without subscribing.
		s.closedEarly, s.obs = true, nil
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	if b.closed.Swap(true) {
		return nil
	}
	b.cancel()
	<-b.exited
	b.wake()
	return nil
}
