//go:build linux

package netpoll

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// listen4 returns a non-blocking listening socket on a free port of
// 127.0.0.1 and its address; the listener is closed by the caller's FD.
func listen4(t *testing.T) (int, *unix.SockaddrInet4) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		unix.Close(fd)
		t.Fatalf("bind: %v", err)
	}
	if err := unix.Listen(fd, 16); err != nil {
		unix.Close(fd)
		t.Fatalf("listen: %v", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		t.Fatalf("getsockname: %v", err)
	}
	return fd, sa.(*unix.SockaddrInet4)
}

// connect4 connects a blocking client to sa (loopback: the kernel
// completes the handshake into the backlog), closed at the end of the test.
func connect4(t *testing.T, sa *unix.SockaddrInet4) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Connect(fd, sa); err != nil {
		t.Fatalf("connect: %v", err)
	}
}

// levelListener is a level-triggered listening FD on 127.0.0.1 with a
// registry of its own, and an accept call for PollIO that counts its
// calls and closes what it accepts.
type levelListener struct {
	r     *Registry
	fd    *FD
	sa    *unix.SockaddrInet4
	calls int
}

func newLevelListener(t *testing.T) *levelListener {
	t.Helper()
	checkFDLeaks(t)
	l := &levelListener{r: newRegistry(t)}
	var lfd int
	lfd, l.sa = listen4(t)
	l.fd = NewFD(lfd, nil)
	l.fd.SetLevel()
	t.Cleanup(func() { l.fd.Close() })
	return l
}

func (l *levelListener) accept(sysfd int) (int, error) {
	l.calls++
	nfd, _, err := unix.Accept4(sysfd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err == nil {
		unix.Close(nfd)
	}
	return nfd, err
}

// TestLevelListenerOneAcceptPerReport: a level-triggered listener's
// successful accept uses up its report, so the next accept waits for the
// poller instead of finding EAGAIN; the poller reports the listener again
// while connections wait, and not once the backlog is empty.
func TestLevelListenerOneAcceptPerReport(t *testing.T) {
	l := newLevelListener(t)
	r, fd, sa, accept := l.r, l.fd, l.sa, l.accept
	cx, w := hostCx(r)
	calls := &l.calls
	if p := PollIO(fd, cx, Read, "accept", accept); !p.IsPending() || *calls != 0 {
		t.Fatalf("first accept = %v after %d calls; want pending after none (not reported yet)", p, *calls)
	}
	connect4(t, sa)
	connect4(t, sa)
	for i := 1; i <= 2; i++ {
		woken := w.Count()
		dispatchUntil(t, r, func() bool { return w.Count() > woken || fd.reg.Load().readReady() })
		if p := PollIO(fd, cx, Read, "accept", accept); p.Err() != nil || p.IsPending() || *calls != i {
			t.Fatalf("accept %d after a report = %v after %d calls; want a connection after %d", i, p, *calls, i)
		}
		if fd.reg.Load().readReady() {
			t.Fatalf("accept %d left the read side ready; want its report used up", i)
		}
		if p := PollIO(fd, cx, Read, "accept", accept); !p.IsPending() || *calls != i {
			t.Fatalf("accept after accept %d = %v after %d calls; want pending with no call", i, p, *calls)
		}
	}
	if got := collect(t, r.Poller(), 50*time.Millisecond); len(got) != 0 {
		t.Errorf("Wait with the backlog empty = %v; want no report", got)
	}
}

// TestLevelListenerMutedUntilAccept: a report that finds the last one
// unused takes the listener out of the poller, so a connection nobody
// accepts is not reported at every wait; the next accept puts the listener
// back, and the poller reports what still waits.
func TestLevelListenerMutedUntilAccept(t *testing.T) {
	l := newLevelListener(t)
	r, fd, sa, accept := l.r, l.fd, l.sa, l.accept
	cx, w := hostCx(r)
	if p := PollIO(fd, cx, Read, "accept", accept); !p.IsPending() {
		t.Fatalf("first accept = %v; want pending", p)
	}
	connect4(t, sa)
	connect4(t, sa)
	dispatchUntil(t, r, func() bool { return w.Count() > 0 })
	muted := func() bool { return fd.reg.Load().state.Load()&regMuted != 0 }
	if muted() {
		t.Fatalf("muted after the first report; want muted only when a report goes unused")
	}
	dispatchUntil(t, r, muted) // the next wait reports it again, unused
	if got := collect(t, r.Poller(), 50*time.Millisecond); len(got) != 0 {
		t.Fatalf("Wait while muted = %v; want no report", got)
	}
	if p := PollIO(fd, cx, Read, "accept", accept); p.Err() != nil || p.IsPending() {
		t.Fatalf("accept while muted = %v; want the first connection", p)
	}
	if muted() {
		t.Fatalf("still muted after an accept; want the listener back in the poller")
	}
	woken := w.Count()
	if p := PollIO(fd, cx, Read, "accept", accept); !p.IsPending() {
		t.Fatalf("accept after an accept = %v; want pending until the poller reports", p)
	}
	dispatchUntil(t, r, func() bool { return w.Count() > woken }) // the second connection
	if p := PollIO(fd, cx, Read, "accept", accept); p.Err() != nil || p.IsPending() {
		t.Fatalf("accept after the report = %v; want the second connection", p)
	}
}
