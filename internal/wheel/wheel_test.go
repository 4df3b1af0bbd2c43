package wheel

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/eddyio/eddy/future"
)

// fired records the entries a wheel fires, by index, with the clock at the
// time.
type fired struct {
	id  []int
	at  []time.Duration
	now time.Duration
}

type recWaker struct {
	f  *fired
	id int
}

func (r *recWaker) Wake() {
	r.f.id = append(r.f.id, r.id)
	r.f.at = append(r.f.at, r.f.now)
}

// advance moves the wheel's clock to now.
func (f *fired) advance(w *Wheel, now time.Duration) {
	f.now = now
	w.Advance(now, func(wk future.Waker) { wk.Wake() })
}

// TestWheelRandomDeadlines arms timers with random deadlines from a
// millisecond to years away, advances a simulated clock in random steps, and
// checks that each fires once, never before its deadline, at the first
// advance after its tick ended, and in deadline order.
func TestWheelRandomDeadlines(t *testing.T) {
	const n = 100_000
	rng := rand.New(rand.NewPCG(1, 2))
	var w Wheel
	var f fired
	es := make([]Entry, n)
	deadlines := make([]time.Duration, n)
	for i := range es {
		// Mostly near (a connection's timeout), some far, a few beyond the
		// wheel's span.
		var d time.Duration
		switch rng.IntN(10) {
		case 0:
			d = time.Duration(rng.Int64N(int64(5 * 365 * 24 * time.Hour)))
		case 1, 2:
			d = time.Duration(rng.Int64N(int64(24 * time.Hour)))
		default:
			d = time.Duration(rng.Int64N(int64(time.Minute)))
		}
		d += time.Nanosecond
		deadlines[i] = d
		w.Arm(&es[i], d, &recWaker{f: &f, id: i})
	}
	if w.Len() != n {
		t.Fatalf("Len() = %d after arming %d", w.Len(), n)
	}
	for now := time.Duration(0); w.Len() > 0; {
		// Steps from a tick to hours: the wheel must cascade whatever the
		// loop's latency.
		switch rng.IntN(4) {
		case 0:
			now += time.Duration(rng.Int64N(int64(time.Millisecond)))
		case 1:
			now += time.Duration(rng.Int64N(int64(time.Second)))
		case 2:
			now += time.Duration(rng.Int64N(int64(time.Hour)))
		default:
			if next, ok := w.NextDeadline(); ok {
				if next < now {
					t.Fatalf("NextDeadline() = %v, before the last advance %v", next, now)
				}
				now = next
			}
		}
		f.advance(&w, now)
	}
	if len(f.id) != n {
		t.Fatalf("%d timers fired; want %d", len(f.id), n)
	}
	seen := make([]bool, n)
	var lastTick uint64
	// Advances: the clock of each fire is the advance that fired it; a timer
	// is late if an earlier advance was already past its tick.
	for k, id := range f.id {
		if seen[id] {
			t.Fatalf("timer %d fired twice", id)
		}
		seen[id] = true
		d, at := deadlines[id], f.at[k]
		if at < d {
			t.Fatalf("timer %d (deadline %v) fired early, at %v", id, d, at)
		}
		tick := ceilTick(d)
		if tick < lastTick {
			t.Fatalf("timer %d (tick %d) fired after a timer of tick %d", id, tick, lastTick)
		}
		lastTick = tick
	}
}

// TestWheelNotLate checks that a timer fires at the first advance whose
// tick is at or past the deadline's tick, and not before.
func TestWheelNotLate(t *testing.T) {
	for _, d := range []time.Duration{1, time.Millisecond, 63 * time.Millisecond, 64 * time.Millisecond,
		65*time.Millisecond + 1, 4097 * time.Millisecond, 3 * time.Hour, 1000 * 24 * time.Hour} {
		var w Wheel
		var f fired
		var e Entry
		w.Arm(&e, d, &recWaker{f: &f})
		tick := ceilTick(d)
		// Step by NextDeadline, as the loop does.
		for e.Armed() {
			next, ok := w.NextDeadline()
			if !ok {
				t.Fatalf("deadline %v: armed, but NextDeadline() reports nothing", d)
			}
			if next > time.Duration(tick)*Resolution {
				t.Fatalf("deadline %v: NextDeadline() = %v, after the deadline's tick %d", d, next, tick)
			}
			f.advance(&w, next)
		}
		if got := f.at[0]; got != time.Duration(tick)*Resolution {
			t.Errorf("deadline %v fired at %v; want %v (its tick)", d, got, time.Duration(tick)*Resolution)
		}
	}
}

func TestWheelStopAndRearm(t *testing.T) {
	var w Wheel
	var f fired
	var a, b Entry
	w.Arm(&a, 10*time.Millisecond, &recWaker{f: &f, id: 1})
	w.Arm(&b, 20*time.Millisecond, &recWaker{f: &f, id: 2})
	a.Stop()
	a.Stop() // idempotent
	if w.Len() != 1 || a.Armed() {
		t.Fatalf("after Stop: Len() = %d, a.Armed() = %v; want 1, false", w.Len(), a.Armed())
	}
	w.Arm(&b, 5*time.Millisecond, &recWaker{f: &f, id: 3}) // moved earlier, new waker
	w.Arm(&a, 30*time.Millisecond, &recWaker{f: &f, id: 4})
	f.advance(&w, 25*time.Millisecond)
	f.advance(&w, 40*time.Millisecond)
	if want := []int{3, 4}; !slices.Equal(f.id, want) {
		t.Errorf("fired %v; want %v", f.id, want)
	}
	if w.Len() != 0 {
		t.Errorf("Len() = %d after all fired", w.Len())
	}
	// Armed in the past (the caller missed the deadline): fires at the next
	// tick, not never.
	w.Arm(&a, time.Millisecond, &recWaker{f: &f, id: 5})
	f.advance(&w, 41*time.Millisecond)
	if f.id[len(f.id)-1] != 5 {
		t.Errorf("a timer armed in the past did not fire at the next tick: fired %v", f.id)
	}
}

func TestWheelClear(t *testing.T) {
	var w Wheel
	es := make([]Entry, 100)
	for i := range es {
		w.Arm(&es[i], time.Duration(i)*time.Hour+1, &recWaker{f: &fired{}})
	}
	w.Clear()
	if w.Len() != 0 {
		t.Fatalf("Len() = %d after Clear", w.Len())
	}
	for i := range es {
		if es[i].Armed() {
			t.Fatalf("entry %d armed after Clear", i)
		}
	}
	if _, ok := w.NextDeadline(); ok {
		t.Errorf("NextDeadline() reports work after Clear")
	}
}

// TestWheelAllocs: arming, resetting, cancelling and firing an entry
// allocate nothing.
func TestWheelAllocs(t *testing.T) {
	var w Wheel
	var e Entry
	wk := &recWaker{f: &fired{}}
	now := time.Duration(0)
	// Warm the scratch slice of Advance.
	w.Arm(&e, now+time.Millisecond, future.NoopWaker)
	w.Advance(now+2*time.Millisecond, func(future.Waker) {})
	allocs := testing.AllocsPerRun(1000, func() {
		now += time.Millisecond
		w.Arm(&e, now+time.Second, wk)          // arm
		w.Arm(&e, now+2*time.Second, wk)        // reset
		e.Stop()                                // cancel
		w.Arm(&e, now+time.Millisecond, wk)     // arm again
		w.Advance(now+time.Millisecond, noWake) // fire
	})
	if allocs != 0 {
		t.Errorf("arm, reset, cancel and fire: %v allocations; want 0", allocs)
	}
}

func noWake(future.Waker) {}
