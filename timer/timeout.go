package timer

import (
	"errors"
	"fmt"
	"time"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/wheel"
	"github.com/eddyio/eddy/stream"
)

// ErrTimeout is the sentinel of every time limit that ran out:
// errors.Is(err, timer.ErrTimeout) holds for a *[TimeoutError].
var ErrTimeout = errors.New("timer: timed out")

// TimeoutError is the error of a [Timeout], [Deadline] or [TimeoutStream]
// whose time ran out. It says what timed out and after how long, matches
// [ErrTimeout] with errors.Is, and reports Timeout() true, as net's timeout
// errors do.
type TimeoutError struct {
	What  string        // what timed out: the future's type, or "next item of" and the stream's type
	After time.Duration // the time it was given
}

// Error says what timed out and after how long.
func (e *TimeoutError) Error() string {
	return fmt.Sprintf("timer: %s timed out after %v", e.What, e.After)
}

// Is reports whether target is [ErrTimeout].
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// Timeout reports true: this error is a timeout (the net.Error method).
func (e *TimeoutError) Timeout() bool { return true }

// Timeout returns a future that completes as f does if f completes within d
// of the Timeout's first poll, and otherwise fails with a *[TimeoutError]
// naming f's type; then f is abandoned (future.Abandon), so what it holds is
// released at once. When f completes first, the timer leaves the loop's wheel
// at once. f is polled before the timer is looked at, so a result that is
// ready in time is never lost to the timer.
func Timeout[T any](f future.Future[T], d time.Duration) future.Future[T] {
	return &timeout[T]{f: f, d: d}
}

// Deadline is [Timeout] with an instant: f must complete by t.
func Deadline[T any](f future.Future[T], t time.Time) future.Future[T] {
	return &timeout[T]{f: f, at: wheel.Since(t), abs: true}
}

type timeout[T any] struct {
	f       future.Future[T] // nil once complete
	t       wheel.Timer
	d       time.Duration // the limit, from the first poll (Timeout); the time left at it (Deadline)
	at      time.Duration // Deadline's instant, on the timers' clock
	abs     bool          // made by Deadline
	started bool          // the deadline is set
}

func (tf *timeout[T]) Poll(cx *future.Context) future.Poll[T] {
	f := tf.f
	if f == nil {
		return future.Fail[T](future.ErrPolledAfterCompletion)
	}
	if !tf.started {
		if _, err := wheel.Of(cx); err != nil {
			tf.f = nil
			future.Abandon(f)
			return future.Fail[T](err)
		}
		now := wheel.Now()
		if tf.abs {
			tf.d = max(tf.at-now, 0)
		}
		tf.t.SetDeadline(now + tf.d)
		tf.started = true
	}
	if p := f.Poll(cx); p.IsReady() {
		tf.f = nil
		tf.t.Stop()
		return p
	}
	p := tf.t.Poll(cx)
	if p.IsPending() {
		return future.Pending[T]()
	}
	tf.f = nil
	future.Abandon(f)
	if err := p.Err(); err != nil {
		return future.Fail[T](err)
	}
	return future.Fail[T](&TimeoutError{What: fmt.Sprintf("%T", f), After: tf.d})
}

// Abandon takes the timer out of the wheel and abandons f.
func (tf *timeout[T]) Abandon() {
	tf.t.Stop()
	if f := tf.f; f != nil {
		tf.f = nil
		future.Abandon(f)
	}
}

// TimeoutStream returns a stream of s's items that answers an item error, a
// *[TimeoutError], whenever s yields nothing for d: d from the first poll to
// the first item, and from each item to the next. The stream goes on after
// such an error, with d counted again from it, so a consumer that stops at
// the first error (ForEach, Collect, ...) stops there, and one that skips
// errors keeps waiting. It is the idle timeout of a connection: each item
// pushes the deadline back, which costs no allocation and no work in the
// timer wheel until the stream next waits. The timer leaves the wheel when
// s ends or the stream is abandoned (s is then abandoned too).
func TimeoutStream[T any](s stream.Stream[T], d time.Duration) stream.Stream[T] {
	return &timeoutStream[T]{s: s, d: d}
}

type timeoutStream[T any] struct {
	s       stream.Stream[T] // nil once ended
	t       wheel.Timer
	d       time.Duration
	started bool
}

func (ts *timeoutStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	s := ts.s
	if s == nil {
		return stream.End[T]()
	}
	if !ts.started {
		if _, err := wheel.Of(cx); err != nil {
			return stream.Fail[T](err)
		}
		ts.t.SetDeadline(wheel.Now() + ts.d)
		ts.started = true
	}
	p := s.PollNext(cx)
	switch {
	case p.IsEnd():
		ts.s = nil
		ts.t.Stop()
		return p
	case p.IsItem():
		// Push the deadline back without touching the wheel: the next
		// pending poll moves the armed entry once, however many items
		// came in between.
		ts.t.Postpone(wheel.Now() + ts.d)
		return p
	}
	tp := ts.t.Poll(cx)
	if tp.IsPending() {
		return stream.Pending[T]()
	}
	if err := tp.Err(); err != nil {
		return stream.Fail[T](err)
	}
	ts.t.Postpone(wheel.Now() + ts.d)
	return stream.Fail[T](&TimeoutError{What: fmt.Sprintf("next item of %T", s), After: ts.d})
}

// Abandon takes the timer out of the wheel and abandons s.
func (ts *timeoutStream[T]) Abandon() {
	ts.t.Stop()
	if s := ts.s; s != nil {
		ts.s = nil
		future.Abandon(s)
	}
}
