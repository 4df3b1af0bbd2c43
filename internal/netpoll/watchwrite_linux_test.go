package netpoll

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/testkit"
)

// epollInterestOf returns the interest mask the epoll instance of p holds
// for the descriptor number fd, and fails the test if it holds none.
func epollInterestOf(t *testing.T, p *Poller, fd int) uint32 {
	t.Helper()
	events, ok := epollEntry(t, p, fd)
	if !ok {
		t.Fatalf("fd %d is not in the epoll set", fd)
	}
	return events
}

// fillSocket writes to fd until the kernel answers EAGAIN.
func fillSocket(t *testing.T, fd int) { untilEAGAIN(t, "write", fd, unix.Write) }

// drainSocket reads fd until the kernel answers EAGAIN.
func drainSocket(t *testing.T, fd int) { untilEAGAIN(t, "read", fd, unix.Read) }

// untilEAGAIN makes the system call op on fd with a 64 KiB buffer until
// the kernel answers EAGAIN.
func untilEAGAIN(t *testing.T, name string, fd int, op func(int, []byte) (int, error)) {
	t.Helper()
	buf := make([]byte, 64<<10)
	for {
		_, err := op(fd, buf)
		if err == unix.EAGAIN {
			return
		}
		if err != nil {
			t.Fatalf("%s(%d) = %v", name, fd, err)
		}
	}
}

// TestWriteInterestAddedOnFirstFullWrite: a registration is added to
// epoll for reading only, so a new socket, writable as it is, reports no
// event; the first write that finds the socket full adds EPOLLOUT, once,
// and from then on the write side's edges wake its task.
func TestWriteInterestAddedOnFirstFullWrite(t *testing.T) {
	r, reg, a, b := registeredPair(t)
	if got := epollInterestOf(t, r.poller, a); got&unix.EPOLLOUT != 0 || got&unix.EPOLLIN == 0 {
		t.Fatalf("interest of a new registration = %#x; want EPOLLIN and no EPOLLOUT", got)
	}
	events := make([]Event, 8)
	if n, err := r.poller.Wait(events, 20*time.Millisecond); n != 0 || err != nil {
		t.Fatalf("Wait() on a new, idle, writable socket = %d events %v, %v; want none", n, events[:n], err)
	}
	cx, w := hostCx(r)
	for round := range 3 {
		// The write side is ready: a task writes until the socket is
		// full, then clears the side.
		if p := reg.PollReady(cx, Write); testkit.Describe(p) != "ok {}" {
			t.Fatalf("round %d: PollReady(Write) = %s; want ok {}", round, testkit.Describe(p))
		}
		fillSocket(t, a)
		reg.ClearReady(cx, Write)
		if got := epollInterestOf(t, r.poller, a); got&unix.EPOLLOUT == 0 || got&unix.EPOLLET == 0 {
			t.Fatalf("round %d: interest after a full write = %#x; want EPOLLOUT, edge-triggered", round, got)
		}
		if reg.state.Load()&regWriteWatched == 0 {
			t.Fatalf("round %d: regWriteWatched not set after a full write", round)
		}
		if p := reg.PollReady(cx, Write); !p.IsPending() {
			t.Fatalf("round %d: PollReady(Write) on a full socket = %s; want pending", round, testkit.Describe(p))
		}
		// The peer reads: the edge wakes the writer.
		woken := w.Count()
		drainSocket(t, b)
		dispatchUntil(t, r, func() bool { return w.Count() > woken })
		if p := reg.PollReady(cx, Write); testkit.Describe(p) != "ok {}" {
			t.Fatalf("round %d: PollReady(Write) after the peer read = %s; want ok {}", round, testkit.Describe(p))
		}
	}
}

// TestWriteEdgeBeforeWatchIsReported: the socket turns writable between
// the write that found it full and the ClearReady that adds EPOLLOUT (the
// peer read everything in between). epoll looks at the descriptor when
// the entry is modified, so that edge is reported all the same.
func TestWriteEdgeBeforeWatchIsReported(t *testing.T) {
	r, reg, a, b := registeredPair(t)
	cx, w := hostCx(r)
	fillSocket(t, a)
	drainSocket(t, b)
	reg.ClearReady(cx, Write)
	dispatchUntil(t, r, func() bool { return w.Count() > 0 })
	if p := reg.PollReady(cx, Write); testkit.Describe(p) != "ok {}" {
		t.Fatalf("PollReady(Write) = %s; want ok {}", testkit.Describe(p))
	}
}

// TestWatchWriteRefusedWakesTheTask: if the poller cannot add write
// interest (here the descriptor is not in the epoll set, so the
// modification fails), the side stays ready and the task is woken to try
// its write again, rather than wait for an edge that cannot come.
func TestWatchWriteRefusedWakesTheTask(t *testing.T) {
	r, reg, a, _ := registeredPair(t)
	if err := r.poller.Delete(a); err != nil {
		t.Fatal(err)
	}
	clearWriteExpectingAWake(t, r, reg, "a refused WatchWrite")
	if reg.state.Load()&regWriteWatched != 0 {
		t.Errorf("regWriteWatched set although the poller refused")
	}
}

// TestWatchWriteOnUnarmedWakesTheTask: a registration not yet in the
// poller has no entry to add write interest to, so a write side cleared
// there stays ready and the task is woken, to poll again (which arms the
// fd) rather than park where no edge can reach it.
func TestWatchWriteOnUnarmedWakesTheTask(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, _ := socketPair(t)
	fd := NewFD(a, nil)
	reg := r.Track(fd)
	defer reg.Close()
	clearWriteExpectingAWake(t, r, reg, "clearing an unarmed write side")
}

// clearWriteExpectingAWake clears reg's write side, as a write that found
// the socket full does, where no edge can come (after what), and checks
// that the task was woken once and that the side is still ready.
func clearWriteExpectingAWake(t *testing.T, r *Registry, reg *Registration, after string) {
	t.Helper()
	cx, w := hostCx(r)
	reg.ClearReady(cx, Write)
	if w.Count() != 1 {
		t.Errorf("wakes after %s = %d; want 1", after, w.Count())
	}
	if p := reg.PollReady(cx, Write); testkit.Describe(p) != "ok {}" {
		t.Errorf("PollReady(Write) after %s = %s; want ok {}", after, testkit.Describe(p))
	}
}
