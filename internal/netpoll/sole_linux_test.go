package netpoll

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/testkit"
)

// epollEntry returns the interest mask the epoll instance of p holds for
// the descriptor number fd, and whether it holds an entry for it at all,
// from /proc/self/fdinfo.
func epollEntry(t *testing.T, p *Poller, fd int) (events uint32, ok bool) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/fdinfo/%d", p.epfd))
	if err != nil {
		t.Skipf("cannot read the epoll set: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		var tfd int
		if _, err := fmt.Sscanf(line, "tfd: %d events: %x", &tfd, &events); err == nil && tfd == fd {
			return events, true
		}
	}
	return 0, false
}

// inEpoll reports whether the epoll instance of p holds an entry for the
// descriptor number fd.
func inEpoll(t *testing.T, p *Poller, fd int) bool {
	t.Helper()
	_, ok := epollEntry(t, p, fd)
	return ok
}

// TestSoleFDLeavesPollerByClosing: Close of a sole fd makes no
// EPOLL_CTL_DEL; closing the descriptor is what takes it out of the
// poller. The test breaks the contract on purpose to see it: it holds a
// duplicate, which keeps the open file and so its entry alive after Close,
// and the events that entry still reports carry the freed slot's token,
// which Dispatch drops as stale. Once the duplicate goes, so does the entry.
func TestSoleFDLeavesPollerByClosing(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	dup, err := unix.Dup(a)
	if err != nil {
		t.Fatal(err)
	}
	fd := NewFD(a, nil)
	fd.SetSole()
	cx, w := hostCx(r)
	fd.PollReady(cx, Read) // registers and arms
	fd.ClearReady(cx, Read)
	if !inEpoll(t, r.poller, a) {
		t.Fatalf("fd %d not in the epoll set after its first poll", a)
	}
	if err := fd.Close(); err != nil {
		t.Fatal(err)
	}
	if !inEpoll(t, r.poller, a) {
		t.Fatalf("a sole fd was deregistered by Close; want it left to the close of the descriptor")
	}
	if r.Len() != 0 {
		t.Errorf("Len() after Close = %d; want 0 (the slot is freed)", r.Len())
	}
	woken := w.Count() // Close woke the parked reader
	write1(t, b)
	evs := make([]Event, 8)
	n, err := r.poller.Wait(evs, -1)
	if err != nil || n == 0 {
		t.Fatalf("Wait = %d, %v; want the stale entry's event", n, err)
	}
	r.Dispatch(evs[:n])
	if w.Count() != woken {
		t.Errorf("a stale event woke the closed fd's task %d times", w.Count()-woken)
	}
	unix.Close(dup) // the last reference: the entry goes with it
	if inEpoll(t, r.poller, a) {
		t.Errorf("fd %d still in the epoll set after its open file was closed", a)
	}
}

// TestSharedFDDeregistersOnClose: an fd that is not sole (the default, or
// after SetShared) is deregistered by Close, so that a duplicate elsewhere
// does not keep its entry reporting.
func TestSharedFDDeregistersOnClose(t *testing.T) {
	checkFDLeaks(t)
	for _, sole := range []bool{false, true} {
		r := newRegistry(t)
		a, b := testkit.SocketPair(t)
		dup, err := unix.Dup(a)
		if err != nil {
			t.Fatal(err)
		}
		fd := NewFD(a, nil)
		if sole {
			fd.SetSole()
			fd.SetShared() // what IntoTCPConn does before it duplicates
		}
		cx, _ := hostCx(r)
		fd.PollReady(cx, Write)
		if !inEpoll(t, r.poller, a) {
			t.Fatalf("fd %d not in the epoll set after its first poll", a)
		}
		fd.Close()
		if inEpoll(t, r.poller, a) {
			t.Errorf("SetSole then SetShared = %v: fd still in the epoll set after Close while a duplicate is open", sole)
		}
		unix.Close(dup)
		unix.Close(b)
	}
}
