//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package netpoll

import (
	"testing"

	"golang.org/x/sys/unix"
)

// TestEventDuringCallIsNotLost plays the race a goroutine other than the
// loop's can meet: the loop dispatches a read event while the goroutine's
// read is in flight, and the read then answers EAGAIN. The event must not
// be forgotten: PollIO tries the call again instead of clearing readiness,
// and the side stays ready.
func TestEventDuringCallIsNotLost(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, _ := socketPair(t)
	fd := NewFD(a, nil)
	defer fd.Close()
	cx, _ := hostCx(r)
	markReadable(t, r, fd, cx)
	calls := 0
	p := PollIO(fd, cx, Read, "read", func(int) (int, error) {
		calls++
		if calls == 1 {
			// The loop, meanwhile, dispatches an edge for new data.
			r.Dispatch([]Event{{Token: fd.reg.Load().Token(), Readable: true}})
			return 0, unix.EAGAIN
		}
		return 7, nil
	})
	if p.Err() != nil || p.Value() != 7 || calls != 2 {
		t.Fatalf("PollIO = %d, %v after %d calls; want 7, nil after 2", p.Value(), p.Err(), calls)
	}

	// With no event in between, EAGAIN clears the side as before.
	p = PollIO(fd, cx, Read, "read", func(int) (int, error) { return 0, unix.EAGAIN })
	if !p.IsPending() || fd.reg.Load().readReady() {
		t.Fatalf("PollIO after EAGAIN = %v, ready %v; want pending, not ready", p, fd.reg.Load().readReady())
	}
}

// TestEventDuringShortReadIsNotLost: an event dispatched while a short
// read is in flight keeps the read side ready, since it may announce data
// that arrived after the read.
func TestEventDuringShortReadIsNotLost(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := socketPair(t)
	fd := NewFD(a, nil)
	defer fd.Close()
	cx, _ := hostCx(r)
	write1(t, b)
	p := PollIO(fd, cx, Read, "read", func(int) (int, error) { return 0, unix.EAGAIN })
	_ = p // armed and cleared; the edge for the byte written comes next
	dispatchUntil(t, r, func() bool { return fd.reg.Load().readReady() })
	buf := make([]byte, 16)
	reg := fd.reg.Load()
	_, tick := reg.pollReadyTick(cx, Read)
	r.Dispatch([]Event{{Token: reg.Token(), Readable: true}}) // during the read
	reg.clearReadDrainedAt(cx, tick)
	if !reg.readReady() {
		t.Fatalf("read side cleared after a short read that an event overtook")
	}
	if p := fd.PollRead(cx, buf); p.Err() != nil || p.Value() != 1 {
		t.Fatalf("PollRead = %d, %v; want 1, nil", p.Value(), p.Err())
	}
}
