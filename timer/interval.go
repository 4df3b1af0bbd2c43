package timer

import (
	"strconv"
	"time"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/wheel"
	"github.com/eddyio/eddy/stream"
)

// MissedTickBehavior is what an [Interval] does when the loop polls it too
// late for one or more ticks (a busy loop, a task that did not poll it).
type MissedTickBehavior uint8

const (
	// MissedTickBurst yields the missed ticks one after the other, as fast
	// as they are polled, until the interval is back on its schedule. The
	// number of ticks over a long run is exact. The default.
	MissedTickBurst MissedTickBehavior = iota
	// MissedTickDelay yields one tick now and schedules the next a full
	// period after it: the schedule shifts by the delay.
	MissedTickDelay
	// MissedTickSkip yields one tick now and drops the others: the next
	// tick is the next one of the original schedule.
	MissedTickSkip
)

// String names the behaviour.
func (b MissedTickBehavior) String() string {
	switch b {
	case MissedTickBurst:
		return "burst"
	case MissedTickDelay:
		return "delay"
	case MissedTickSkip:
		return "skip"
	}
	return "MissedTickBehavior(" + strconv.Itoa(int(b)) + ")"
}

// lateness is how late a tick may be before it counts as missed: the
// wheel's own rounding and the loop's latency are not a missed tick.
const lateness = 5 * time.Millisecond

// Interval is a stream of ticks, one every period; each item is the time
// the tick was scheduled for. It never ends. Like [Delay], it is armed on the
// loop that polls it, allocates nothing per tick, and leaves the loop's wheel
// when abandoned.
type Interval struct {
	t       wheel.Timer
	period  time.Duration
	started bool
	missed  MissedTickBehavior
}

var _ stream.Stream[time.Time] = (*Interval)(nil)

// NewInterval returns an Interval whose first tick comes one period after
// its first poll, as a time.Ticker's does. A period below [Resolution] is
// taken as Resolution.
func NewInterval(period time.Duration) *Interval {
	return &Interval{period: max(period, Resolution)}
}

// NewIntervalAt returns an Interval whose first tick is at start (at once
// if start has passed), then one every period.
func NewIntervalAt(start time.Time, period time.Duration) *Interval {
	iv := &Interval{period: max(period, Resolution), started: true}
	iv.t.SetDeadline(wheel.Since(start))
	return iv
}

// SetMissedTickBehavior chooses what happens to missed ticks; the default
// is [MissedTickBurst].
func (iv *Interval) SetMissedTickBehavior(b MissedTickBehavior) { iv.missed = b }

// MissedTickBehavior returns the behaviour chosen for missed ticks.
func (iv *Interval) MissedTickBehavior() MissedTickBehavior { return iv.missed }

// Period returns the period.
func (iv *Interval) Period() time.Duration { return iv.period }

// Reset restarts the schedule: the next tick comes one period from now.
func (iv *Interval) Reset() {
	iv.started = true
	iv.t.SetDeadline(wheel.Now() + iv.period)
}

// PollNext answers the next tick once its time has come, and pending until
// then. Polled outside a driver, it answers an item error
// (future.ErrNoDriver).
func (iv *Interval) PollNext(cx *future.Context) stream.Poll[time.Time] {
	if !iv.started {
		if _, err := wheel.Of(cx); err != nil {
			return stream.Fail[time.Time](err)
		}
		iv.t.SetDeadline(wheel.Now() + iv.period)
		iv.started = true
	}
	p := iv.t.Poll(cx)
	if p.IsPending() {
		return stream.Pending[time.Time]()
	}
	if err := p.Err(); err != nil {
		return stream.Fail[time.Time](err)
	}
	tick := iv.t.Deadline()
	next := tick + iv.period
	if now := wheel.Now(); now > tick+lateness {
		switch iv.missed {
		case MissedTickDelay:
			next = now + iv.period
		case MissedTickSkip:
			next = now + iv.period - (now-tick)%iv.period
		}
	}
	iv.t.SetDeadline(next)
	return stream.Item(wheel.Instant(tick))
}

// Abandon takes the interval's timer out of its loop's wheel
// (future.Abandoner).
func (iv *Interval) Abandon() { iv.t.Stop() }
