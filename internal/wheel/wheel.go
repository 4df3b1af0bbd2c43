// Package wheel is the timer store of a driver loop: a hierarchical timing
// wheel with millisecond ticks, whose entries are intrusive, so that arming,
// resetting and cancelling a timer cost a few pointer writes and allocate
// nothing.
//
// Six levels of 64 slots cover 64^6 ms (about 2.2 years) from the last
// processed tick; a slot of level n spans 64^n ticks. A timer goes into the
// level of the highest 6-bit group in which its deadline tick differs from the
// wheel's elapsed tick, and cascades to a lower level when the wheel reaches its
// slot; a deadline further away than the wheel's range sits in the top level and
// is re-filed each time its slot comes round. The design is Tokio's (and
// Varghese and Lauck's): O(1) arm and cancel, at most six cascades per timer,
// and the next deadline is found from one 64-bit mask per level.
//
// Never early: a deadline is rounded up to its tick, and a tick is processed
// only once the clock has passed its end. A Wheel and its entries belong to
// one goroutine, the loop's.
package wheel

import (
	"math/bits"
	"time"

	"github.com/eddyio/eddy/future"
)

// Resolution is the length of one tick.
const Resolution = time.Millisecond

const (
	slotBits  = 6
	numSlots  = 1 << slotBits
	slotMask  = numSlots - 1
	numLevels = 6
	// maxSpan is the number of ticks the levels cover.
	maxSpan = 1<<(slotBits*numLevels) - 1
)

// Entry is one timer. The zero Entry is disarmed and ready to use; it is
// meant to be embedded in the future that owns it, so that arming it again
// allocates nothing.
type Entry struct {
	next, prev *Entry
	wheel      *Wheel // nil while disarmed
	when       uint64 // the deadline's tick
	waker      future.Waker
	level      uint8
	slot       uint8
}

// Armed reports whether e is in a wheel.
func (e *Entry) Armed() bool { return e.wheel != nil }

// Wheel returns the wheel e is armed in, or nil.
func (e *Entry) Wheel() *Wheel { return e.wheel }

// Stop takes e out of its wheel, if it is armed, and drops its waker.
func (e *Entry) Stop() {
	if w := e.wheel; w != nil {
		w.unlink(e)
	}
	e.waker = nil
}

// SetWaker replaces the waker of an armed entry (a re-poll with a new waker,
// same deadline).
func (e *Entry) SetWaker(w future.Waker) { e.waker = w }

// Wheel is a hierarchical timing wheel on the process clock [Now]. Its zero
// value is empty and ready to use.
type Wheel struct {
	elapsed  uint64 // the last tick processed
	count    int    // armed entries
	occupied [numLevels]uint64
	slots    [numLevels][numSlots]*Entry
	wakers   []future.Waker // scratch of Advance

	armed, fired uint64 // entries filed into this wheel, and fired, so far
}

// Armed returns how many times an entry was filed into the wheel (an entry
// moved from another wheel, or armed again after it fired or stopped,
// counts again; a reset within the wheel does not).
func (w *Wheel) Armed() uint64 { return w.armed }

// Fired returns how many entries have fired so far.
func (w *Wheel) Fired() uint64 { return w.fired }

// base is the origin of the clock that every wheel and timer shares, so a
// deadline means the same on every loop.
var base = time.Now()

// Now is the timers' clock: monotonic time since the process started.
func Now() time.Duration { return time.Since(base) }

// Since converts an instant to the timers' clock.
func Since(t time.Time) time.Duration { return t.Sub(base) }

// Instant converts a time of the timers' clock back to an instant.
func Instant(d time.Duration) time.Time { return base.Add(d) }

// Len returns the number of armed entries.
func (w *Wheel) Len() int { return w.count }

// Arm files e to fire at deadline (on the clock [Now]) and wake waker. An
// entry armed elsewhere is moved; an entry already armed here for the same
// tick keeps its place and only takes the new waker.
func (w *Wheel) Arm(e *Entry, deadline time.Duration, waker future.Waker) {
	tick := ceilTick(deadline)
	if tick <= w.elapsed {
		// The deadline's tick was processed already (the caller should have
		// seen the deadline pass); fire at the next tick, still not early.
		tick = w.elapsed + 1
	}
	e.waker = waker
	if e.wheel == w && e.when == tick {
		return
	}
	if e.wheel != w {
		w.armed++
	}
	if e.wheel != nil {
		e.wheel.unlink(e)
	}
	e.when = tick
	w.insert(e)
}

func ceilTick(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	return uint64((d + Resolution - 1) / Resolution)
}

func levelFor(elapsed, when uint64) int {
	masked := (elapsed ^ when) | slotMask
	if masked >= maxSpan {
		masked = maxSpan - 1
	}
	significant := 63 - bits.LeadingZeros64(masked)
	return significant / slotBits
}

// place returns the level and slot in which an entry due at when is filed
// while the wheel stands at elapsed. A deadline beyond the wheel's span is
// filed at the end of the span, from where it is filed again (at a level of
// its own, a slot of the top level would stand for a deadline a whole turn
// too early, and be found before nearer ones).
func place(elapsed, when uint64) (level, slot int) {
	if when-elapsed > maxSpan {
		when = elapsed + maxSpan
	}
	level = levelFor(elapsed, when)
	return level, int(when>>(uint(level)*slotBits)) & slotMask
}

func (w *Wheel) insert(e *Entry) {
	level, slot := place(w.elapsed, e.when)
	e.level, e.slot, e.wheel = uint8(level), uint8(slot), w
	head := w.slots[level][slot]
	e.prev, e.next = nil, head
	if head != nil {
		head.prev = e
	}
	w.slots[level][slot] = e
	w.occupied[level] |= 1 << uint(slot)
	w.count++
}

func (w *Wheel) unlink(e *Entry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		w.slots[e.level][e.slot] = e.next
		if e.next == nil {
			w.occupied[e.level] &^= 1 << uint(e.slot)
		}
	}
	if e.next != nil {
		e.next.prev = e.prev
	}
	e.next, e.prev, e.wheel = nil, nil, nil
	w.count--
}

// expiration is a slot to process and the tick at which its span starts.
type expiration struct {
	level, slot int
	deadline    uint64
}

func slotRange(level int) uint64  { return 1 << (uint(level) * slotBits) }
func levelRange(level int) uint64 { return 1 << (uint(level+1) * slotBits) }

// nextExpiration returns the earliest slot holding entries.
func (w *Wheel) nextExpiration() (expiration, bool) {
	now := w.elapsed
	for level := range numLevels {
		occ := w.occupied[level]
		if occ == 0 {
			continue
		}
		nowSlot := int((now / slotRange(level)) % numSlots)
		slot := (bits.TrailingZeros64(bits.RotateLeft64(occ, -nowSlot)) + nowSlot) % numSlots
		lr := levelRange(level)
		deadline := now&^(lr-1) + uint64(slot)*slotRange(level)
		if deadline <= now {
			// Only the top level wraps: a deadline beyond the wheel's span.
			deadline += lr
		}
		return expiration{level: level, slot: slot, deadline: deadline}, true
	}
	return expiration{}, false
}

// NextDeadline returns the time ([Now]'s clock) at which the wheel next has work:
// an entry to fire or a slot to cascade.
func (w *Wheel) NextDeadline() (time.Duration, bool) {
	exp, ok := w.nextExpiration()
	if !ok {
		return 0, false
	}
	return time.Duration(exp.deadline) * Resolution, true
}

// Advance processes every tick that ended by now ([Now]'s clock): it
// fires the entries whose deadline passed, calling wake with each one's waker
// after all are out of the wheel, and moves the others down a level.
func (w *Wheel) Advance(now time.Duration, wake func(future.Waker)) {
	if now < 0 {
		return
	}
	nowTick := uint64(now / Resolution)
	for {
		exp, ok := w.nextExpiration()
		if !ok || exp.deadline > nowTick {
			break
		}
		w.process(exp)
		if exp.deadline > w.elapsed {
			w.elapsed = exp.deadline
		}
	}
	if nowTick > w.elapsed {
		w.elapsed = nowTick
	}
	if len(w.wakers) == 0 {
		return
	}
	ws := w.wakers
	w.wakers = nil // a waker that arms a timer must not see this slice
	w.fired += uint64(len(ws))
	for i, wk := range ws {
		ws[i] = nil
		if wk != nil {
			wake(wk)
		}
	}
	if w.wakers == nil {
		// A burst (a thousand timeouts at once) grows the scratch; keep
		// only a small one afterwards.
		if cap(ws) > maxIdleWakers && len(ws) < cap(ws)/4 {
			ws = nil
		}
		w.wakers = ws[:0]
	}
}

// maxIdleWakers is the capacity the scratch of Advance keeps after a burst.
const maxIdleWakers = 1024

// process empties one slot: due entries fire, the others are filed again
// below it.
func (w *Wheel) process(exp expiration) {
	e := w.slots[exp.level][exp.slot]
	w.slots[exp.level][exp.slot] = nil
	w.occupied[exp.level] &^= 1 << uint(exp.slot)
	for e != nil {
		next := e.next
		e.next, e.prev = nil, nil
		w.count--
		if e.when <= exp.deadline {
			e.wheel = nil
			w.wakers = append(w.wakers, e.waker)
			e.waker = nil
		} else {
			level, slot := place(exp.deadline, e.when)
			e.level, e.slot = uint8(level), uint8(slot)
			head := w.slots[level][slot]
			e.next = head
			if head != nil {
				head.prev = e
			}
			w.slots[level][slot] = e
			w.occupied[level] |= 1 << uint(slot)
			w.count++
		}
		e = next
	}
}

// Clear disarms every entry without waking it (the loop is closing).
func (w *Wheel) Clear() {
	for level := range numLevels {
		for slot := range numSlots {
			for e := w.slots[level][slot]; e != nil; {
				next := e.next
				e.next, e.prev, e.wheel, e.waker = nil, nil, nil, nil
				e = next
			}
			w.slots[level][slot] = nil
		}
		w.occupied[level] = 0
	}
	w.count = 0
}
