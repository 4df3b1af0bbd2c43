package driver

import (
	"time"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/wheel"
)

func init() {
	wheel.SetHost(func(e future.Executor) *wheel.Wheel {
		if l, ok := e.(*Loop); ok {
			return l.wheel()
		}
		return nil
	})
}

// timerWheel is the loop's timer store: a hierarchical timing wheel with
// millisecond ticks (internal/wheel), touched only by the loop goroutine.
// The wheel runs on the timers' process-wide clock; off is the loop's
// base on that clock, set when the wheel is first used.
type timerWheel struct {
	w   wheel.Wheel
	off time.Duration
	on  bool
}

// next returns the loop clock time of the wheel's next work, if any.
func (t *timerWheel) next() (time.Duration, bool) {
	d, ok := t.w.NextDeadline()
	return d - t.off, ok
}

// clear disarms every timer (the loop is closing).
func (t *timerWheel) clear() { t.w.Clear() }

// wheel returns the loop's wheel, its clock set to the loop's.
func (l *Loop) wheel() *wheel.Wheel {
	if !l.timers.on {
		l.timers.off, l.timers.on = wheel.Since(l.base), true
	}
	return &l.timers.w
}

// fireTimers wakes the tasks of every timer whose deadline has passed.
func (l *Loop) fireTimers() {
	if l.timers.on {
		l.timers.w.Advance(wheel.Now(), l.wakeFromReactor)
	}
}

// timersArmed is the number of timers armed on the loop.
func (l *Loop) timersArmed() int { return l.timers.w.Len() }

// Sleep returns a future that completes d after its first poll. Building it
// starts no timer; the timer is armed on the loop that first polls it, and
// polling it from another loop while it is armed fails with [ErrWrongLoop].
// Abandoned (future.Abandon), it leaves the loop's timers at once.
//
// It is the plain form of the timer package's Sleep, which also offers
// deadlines, resets, intervals and timeouts.
func Sleep(d time.Duration) future.Future[struct{}] { return &sleep{d: d} }

// sleep is driver.Sleep: a wheel.Timer started on its first poll.
type sleep struct {
	t       wheel.Timer
	d       time.Duration
	started bool
	done    bool
}

func (s *sleep) Poll(cx *future.Context) future.Poll[struct{}] {
	if s.done {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	if !s.started {
		if _, err := wheel.Of(cx); err != nil {
			return future.Fail[struct{}](err)
		}
		s.t.SetDeadline(wheel.Now() + s.d)
		s.started = true
	}
	p := s.t.Poll(cx)
	if p.IsReady() {
		s.done = true
	}
	return p
}

// Abandon takes the timer out of its loop's wheel.
func (s *sleep) Abandon() {
	s.t.Stop()
	s.done = true
}
