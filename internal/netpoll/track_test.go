//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package netpoll

import (
	"errors"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// TestTrackedFDClosedByCloseAll: an fd tracked by a loop but never polled
// is closed with the loop, and it is not in the poller until polled.
func TestTrackedFDClosedByCloseAll(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	cx, _ := hostCx(r)
	fd.Track(cx)
	if r.Len() != 1 {
		t.Fatalf("Len() after Track = %d; want 1", r.Len())
	}
	if reg := fd.reg.Load(); reg == nil || reg.armed() {
		t.Fatalf("after Track: registration %v; want one, not yet armed", reg)
	}
	fd.Track(cx) // a second Track changes nothing
	if r.Len() != 1 {
		t.Fatalf("Len() after a second Track = %d; want 1", r.Len())
	}
	r.CloseAll()
	if !fd.Closed() || isOpen(a) {
		t.Fatalf("after CloseAll: Closed() = %v, fd open = %v; want true, false", fd.Closed(), isOpen(a))
	}
	if r.Len() != 0 {
		t.Errorf("Len() after CloseAll = %d; want 0", r.Len())
	}
}

// TestTrackedFDArmsOnFirstPoll: the first poll from the tracking loop adds
// the fd to the poller, so readiness events reach the parked task.
func TestTrackedFDArmsOnFirstPoll(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	defer fd.Close()
	cx, w := hostCx(r)
	fd.Track(cx)
	buf := make([]byte, 1)
	if p := fd.PollRead(cx, buf); !p.IsPending() {
		t.Fatalf("PollRead on an empty socket = ready (%v); want pending", p.Err())
	}
	if !fd.reg.Load().armed() {
		t.Fatalf("registration not armed after the first poll")
	}
	write1(t, b)
	dispatchUntil(t, r, func() bool { return w.Count() > 0 })
	if p := fd.PollRead(cx, buf); p.Err() != nil || p.Value() != 1 {
		t.Fatalf("PollRead after the wake = %d, %v; want 1, nil", p.Value(), p.Err())
	}
}

// TestTrackedFDMovesToThePollingLoop: an fd tracked by one loop but first
// polled from another belongs to the other from then on; the first loop no
// longer answers for it.
func TestTrackedFDMovesToThePollingLoop(t *testing.T) {
	checkFDLeaks(t)
	r1, r2 := newRegistry(t), newRegistry(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	cx1, _ := hostCx(r1)
	cx2, _ := hostCx(r2)
	fd.Track(cx1)
	if p := fd.PollReady(cx2, Write); testkit.Describe(p) != "ok {}" {
		t.Fatalf("PollReady from the second loop = %s; want ok {}", testkit.Describe(p))
	}
	if r1.Len() != 0 || r2.Len() != 1 {
		t.Fatalf("after the move: Len() = %d, %d; want 0, 1", r1.Len(), r2.Len())
	}
	if p := fd.PollReady(cx1, Write); !errors.Is(p.Err(), ErrWrongLoop) {
		t.Errorf("PollReady from the first loop after the move = %s; want ErrWrongLoop", testkit.Describe(p))
	}
	r1.CloseAll()
	if fd.Closed() {
		t.Fatalf("the first loop closed an fd that moved away")
	}
	r2.CloseAll()
	if !fd.Closed() || isOpen(a) {
		t.Fatalf("the loop the fd moved to did not close it")
	}
}

// TestTrackAfterCloseDoesNothing: tracking a closed fd leaves no slot.
func TestTrackAfterCloseDoesNothing(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	fd.Close()
	cx, _ := hostCx(r)
	fd.Track(cx)
	if r.Len() != 0 {
		t.Fatalf("Len() after Track of a closed fd = %d; want 0", r.Len())
	}
	fd.Track(future.NewContext(nil, nil)) // outside a loop: nothing, no panic
}

// TestFirstPollRacesClose: a Close from another goroutine that races the
// first poll (which adds the fd to the poller) answers net.ErrClosed, never
// the poller's EBADF on a descriptor closed under it.
func TestFirstPollRacesClose(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	cx, _ := hostCx(r)
	const iterations = 2000
	bad := 0
	for i := range iterations {
		a, b := testkit.SocketPair(t)
		fd := NewFD(a, nil)
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Go(func() {
			<-start
			fd.Close()
		})
		close(start)
		p := fd.PollReady(cx, Read)
		wg.Wait()
		if err := p.Err(); err != nil && !errors.Is(err, ErrClosed) {
			bad++
			if bad <= 3 {
				t.Errorf("iteration %d: first poll racing Close = %v; want ok {} or net.ErrClosed", i, err)
			}
		}
		fd.Close()
		unix.Close(b)
	}
	if bad > 0 {
		t.Errorf("%d of %d first polls racing Close failed with an error other than net.ErrClosed", bad, iterations)
	}
	if r.Len() != 0 {
		t.Errorf("Len() after every fd closed = %d; want 0", r.Len())
	}
}

// TestDispatchWakesWithoutTheLock: a waker called by Dispatch may close a
// registration of the same registry (which takes the registry's lock).
func TestDispatchWakesWithoutTheLock(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, _ := socketPair(t)
	c, _ := socketPair(t)
	regA := register(t, r, a, nil)
	regC := register(t, r, c, nil)
	closing := future.WakerFunc(func() { regC.Close() })
	regA.ClearReady(future.NewContext(closing, &testHost{reg: r}), Read)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Dispatch([]Event{{Token: regA.Token(), Readable: true}})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("Dispatch deadlocked: a waker that closes a registration of the same registry never returned")
	}
	if r.Len() != 1 {
		t.Errorf("Len() after the waker closed one registration = %d; want 1", r.Len())
	}
	regA.Close()
}
