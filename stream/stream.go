package stream

import (
	"iter"
	"runtime"

	"github.com/eddyio/eddy/future"
)

type state uint8

const (
	statePending state = iota
	stateItem
	stateEnd
)

// Poll is the answer of one call to [Stream.PollNext]: an item (a value or an
// item error), the end of the stream, or pending. The zero Poll is pending.
type Poll[T any] struct {
	val   T
	err   error
	state state
}

// Item returns a Poll holding the next value v.
func Item[T any](v T) Poll[T] { return Poll[T]{val: v, state: stateItem} }

// Fail returns a Poll holding an item error. The stream may produce more
// items after it. As future.Fail, it does not invent an error: a nil err
// makes the same Poll as Item of the zero value of T.
func Fail[T any](err error) Poll[T] { return Poll[T]{err: err, state: stateItem} }

// End returns the Poll that says the stream has no more items.
func End[T any]() Poll[T] { return Poll[T]{state: stateEnd} }

// Pending returns the pending Poll (the zero value).
func Pending[T any]() Poll[T] { return Poll[T]{} }

// IsPending reports whether the next item is not available yet.
func (p Poll[T]) IsPending() bool { return p.state == statePending }

// IsItem reports whether p holds an item: a value or an item error.
func (p Poll[T]) IsItem() bool { return p.state == stateItem }

// IsEnd reports whether the stream has ended.
func (p Poll[T]) IsEnd() bool { return p.state == stateEnd }

// Value returns the value of an item, or the zero value of T.
func (p Poll[T]) Value() T { return p.val }

// Err returns the error of an item error, and nil otherwise.
func (p Poll[T]) Err() error { return p.err }

// Result returns the value and the error of an item.
func (p Poll[T]) Result() (T, error) { return p.val, p.err }

// Stream is a lazy sequence of items produced over time.
//
// PollNext answers with the next item, an item error, the end, or pending
// (see [Poll]). On pending the stream has handed cx.Waker() to whatever will
// produce the next item. After the end, a stream must not be polled again;
// the streams of this module keep answering the end.
type Stream[T any] interface {
	PollNext(cx *future.Context) Poll[T]
}

// Func adapts a poll function to the [Stream] interface.
type Func[T any] func(cx *future.Context) Poll[T]

// PollNext calls f(cx).
func (f Func[T]) PollNext(cx *future.Context) Poll[T] { return f(cx) }

// PollFn returns a stream whose every poll calls fn.
func PollFn[T any](fn func(cx *future.Context) Poll[T]) Stream[T] { return Func[T](fn) }

// slice yields the elements of a slice.
type slice[T any] struct {
	items []T
	i     int
}

func (s *slice[T]) PollNext(*future.Context) Poll[T] {
	if s.i >= len(s.items) {
		return End[T]()
	}
	v := s.items[s.i]
	s.i++
	return Item(v)
}

// FromSlice returns a stream of the elements of items, in order. The stream
// reads the slice as it goes; the caller must not change it meanwhile.
func FromSlice[T any](items []T) Stream[T] { return &slice[T]{items: items} }

// Of returns a stream of its arguments, in order.
func Of[T any](items ...T) Stream[T] { return FromSlice(items) }

// seq yields the values of an iter.Seq, pulled one at a time.
type seq[T any] struct {
	src     iter.Seq[T]
	next    func() (T, bool)
	stop    func()
	cleanup runtime.Cleanup // stops the coroutine of a stream dropped before its end
	done    bool
}

func (s *seq[T]) PollNext(*future.Context) Poll[T] {
	if s.done {
		return End[T]()
	}
	if s.next == nil {
		s.next, s.stop = iter.Pull(s.src)
		s.cleanup = runtime.AddCleanup(s, func(stop func()) { stop() }, s.stop)
	}
	v, ok := s.next()
	if !ok {
		s.done = true
		s.cleanup.Stop()
		s.stop()
		return End[T]()
	}
	return Item(v)
}

// FromSeq returns a stream of the values of seq. The sequence is not started
// until the first poll. A stream dropped before its end has its coroutine
// stopped when the garbage collector finds it unreachable. Pulling from an iter.Seq runs it as a coroutine; for
// the allocation-free path prefer FromSlice or Unfold.
func FromSeq[T any](seq_ iter.Seq[T]) Stream[T] { return &seq[T]{src: seq_} }

// once yields one item.
type once[T any] struct {
	val  T
	err  error
	done bool
}

func (o *once[T]) PollNext(*future.Context) Poll[T] {
	if o.done {
		return End[T]()
	}
	o.done = true
	if o.err != nil {
		return Fail[T](o.err)
	}
	return Item(o.val)
}

// Once returns a stream of the single value v.
func Once[T any](v T) Stream[T] { return &once[T]{val: v} }

// OnceErr returns a stream of a single item error.
func OnceErr[T any](err error) Stream[T] { return &once[T]{err: err} }

// empty ends at once.
type empty[T any] struct{}

func (empty[T]) PollNext(*future.Context) Poll[T] { return End[T]() }

// Empty returns a stream that ends on its first poll.
func Empty[T any]() Stream[T] { return empty[T]{} }

// unfold yields values computed from a state.
type unfold[S, T any] struct {
	state S
	fn    func(S) (T, S, bool)
	done  bool
}

func (u *unfold[S, T]) PollNext(*future.Context) Poll[T] {
	if u.done {
		return End[T]()
	}
	v, next, ok := u.fn(u.state)
	if !ok {
		u.done = true
		return End[T]()
	}
	u.state = next
	return Item(v)
}

// Unfold returns a stream that starts from state init and on each poll calls
// fn(state), which returns the next value, the next state, and false when the
// stream should end instead.
func Unfold[S, T any](init S, fn func(S) (T, S, bool)) Stream[T] {
	return &unfold[S, T]{state: init, fn: fn}
}
