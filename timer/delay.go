package timer

import (
	"time"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/wheel"
)

// Resolution is the granularity of timers: a deadline is rounded up to it.
const Resolution = time.Millisecond

// The wheel ticks at the resolution the package promises.
var _ = [1]struct{}{}[Resolution-wheel.Resolution]

// Delay is a future that completes at a deadline. [Sleep] and [SleepUntil]
// make one; [Delay.Reset] and [Delay.ResetAt] move its deadline, and a Delay
// that completed may be reset and polled again, so one Delay can time an
// idle connection for its whole life.
//
// The zero Delay is a Sleep(0), ready on its first poll; a Delay may be
// embedded in a larger struct, and resetting it allocates nothing. Like
// every future it is used by one goroutine at a time, the one polling it.
type Delay struct {
	t       wheel.Timer
	d       time.Duration // Sleep's duration, counted from the first poll
	started bool          // the deadline is set
	done    bool          // answered ready; Reset clears it
}

var _ future.Future[struct{}] = (*Delay)(nil)

// Sleep returns a Delay that completes d after its first poll. Building it
// arms nothing.
func Sleep(d time.Duration) *Delay { return &Delay{d: d} }

// SleepUntil returns a Delay that completes at t (at once if t has passed).
func SleepUntil(t time.Time) *Delay {
	dl := &Delay{started: true}
	dl.t.SetDeadline(wheel.Since(t))
	return dl
}

// Poll answers ready once the deadline has passed; until then the timer is
// armed on the polling task's loop, with the task's waker.
func (d *Delay) Poll(cx *future.Context) future.Poll[struct{}] {
	if d.done {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	if !d.started {
		if _, err := wheel.Of(cx); err != nil {
			return future.Fail[struct{}](err)
		}
		d.t.SetDeadline(wheel.Now() + d.d)
		d.started = true
	}
	p := d.t.Poll(cx)
	if p.IsReady() {
		d.done = true
	}
	return p
}

// Reset sets the deadline to d from now. An armed Delay is moved in its
// loop's wheel at once; a completed one becomes pending again.
func (d *Delay) Reset(dur time.Duration) {
	d.started, d.done = true, false
	d.t.SetDeadline(wheel.Now() + dur)
}

// ResetAt sets the deadline to t, as Reset does.
func (d *Delay) ResetAt(t time.Time) {
	d.started, d.done = true, false
	d.t.SetDeadline(wheel.Since(t))
}

// Deadline returns the deadline, and false while it is not set (a Sleep not
// yet polled).
func (d *Delay) Deadline() (time.Time, bool) {
	if !d.started {
		return time.Time{}, false
	}
	return wheel.Instant(d.t.Deadline()), true
}

// Abandon takes the timer out of its loop's wheel (future.Abandoner). A
// later Reset may use the Delay again.
func (d *Delay) Abandon() {
	d.t.Stop()
	d.done = true
}
