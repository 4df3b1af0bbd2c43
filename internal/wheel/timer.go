package wheel

import (
	"time"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
)

// hostWheel maps an executor to its loop's wheel; the driver sets it.
var hostWheel func(future.Executor) *Wheel

// SetHost installs the function that finds the wheel of an executor. The
// driver calls it from its init.
func SetHost(fn func(future.Executor) *Wheel) { hostWheel = fn }

// Of returns the wheel of the loop polling cx, or [future.ErrNoDriver].
func Of(cx *future.Context) (*Wheel, error) {
	return OfExecutor(cx.Executor())
}

// OfExecutor returns the wheel of the loop e, or [future.ErrNoDriver].
func OfExecutor(e future.Executor) (*Wheel, error) {
	if e == nil || hostWheel == nil {
		return nil, future.ErrNoDriver
	}
	if w := hostWheel(e); w != nil {
		return w, nil
	}
	return nil, future.ErrNoDriver
}

// Timer is a deadline and its wheel entry: the core of every timer future,
// embedded in it, so that setting a new deadline allocates nothing. The zero
// Timer has the deadline 0, long past. A Timer is used by the goroutine that
// polls it, which is its loop's.
type Timer struct {
	e        Entry
	deadline time.Duration // on the clock Now
}

// Deadline returns the deadline on the clock [Now].
func (t *Timer) Deadline() time.Duration { return t.deadline }

// SetDeadline sets the deadline. An armed timer is moved in its wheel at once.
func (t *Timer) SetDeadline(d time.Duration) {
	t.deadline = d
	if w := t.e.wheel; w != nil {
		w.Arm(&t.e, d, t.e.waker)
	}
}

// Armed reports whether the timer is in a wheel.
func (t *Timer) Armed() bool { return t.e.wheel != nil }

// Stop takes the timer out of its wheel.
func (t *Timer) Stop() { t.e.Stop() }

// Expired reports whether the deadline has passed.
func (t *Timer) Expired() bool { return Now() >= t.deadline }

// Poll answers ready once the deadline has passed, taking the timer out of
// its wheel; until then it arms the timer on the loop polling cx with cx's
// waker and answers pending. A timer armed on one loop and polled from
// another fails with the driver's ErrWrongLoop.
func (t *Timer) Poll(cx *future.Context) future.Poll[struct{}] {
	if t.e.wheel != nil {
		// Armed: only the goroutine of its wheel's loop may touch it.
		if w, err := Of(cx); err != nil || w != t.e.wheel {
			return future.Fail[struct{}](netpoll.ErrWrongLoop)
		}
	}
	if Now() >= t.deadline {
		t.e.Stop()
		return future.Ok(struct{}{})
	}
	w, err := Of(cx)
	if err != nil {
		return future.Fail[struct{}](err)
	}
	w.Arm(&t.e, t.deadline, cx.Waker())
	return future.Pending[struct{}]()
}

// Postpone sets the deadline without moving an armed timer: it stays filed
// at its old, earlier deadline, and the next Poll files it again. It is the
// cheap reset of an idle timeout pushed back on every read.
func (t *Timer) Postpone(d time.Duration) { t.deadline = d }
