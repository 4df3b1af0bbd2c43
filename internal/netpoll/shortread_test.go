//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package netpoll

import (
	"io"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// dispatchUntil waits on r's poller and dispatches until cond holds or a
// bound passes.
func dispatchUntil(t *testing.T, r *Registry, cond func() bool) {
	t.Helper()
	events := make([]Event, 8)
	deadline := time.Now().Add(5 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		n, err := r.Poller().Wait(events, 50*time.Millisecond)
		if err != nil {
			t.Fatalf("Wait() = %v", err)
		}
		r.Dispatch(events[:n])
	}
	if !cond() {
		t.Fatalf("condition not reached after 5s of events")
	}
}

// TestShortReadClearsReadiness: a read that returns less than it asked
// marks the read side not ready, so the next read is pending with no
// system call, and the next data's edge wakes the task.
func TestShortReadClearsReadiness(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := socketPair(t)
	fd := NewFD(a, nil)
	defer fd.Close()
	cx, w := hostCx(r)
	buf := make([]byte, 16)
	write1(t, b)
	if p := fd.PollReady(cx, Read); p.Err() != nil { // arm
		t.Fatalf("PollReady = %v", p.Err())
	}
	dispatchUntil(t, r, func() bool { return fd.reg.Load().readReady() })
	if p := fd.PollRead(cx, buf); p.Err() != nil || p.Value() != 1 {
		t.Fatalf("PollRead = %d, %v; want 1, nil", p.Value(), p.Err())
	}
	woken := w.Count()
	if reg := fd.reg.Load(); reg.readReady() {
		t.Fatalf("read side still ready after a short read")
	}
	if p := fd.PollRead(cx, buf); !p.IsPending() {
		t.Fatalf("PollRead after a short read = %d, %v; want pending", p.Value(), p.Err())
	}
	write1(t, b)
	dispatchUntil(t, r, func() bool { return w.Count() > woken })
	if p := fd.PollRead(cx, buf); p.Err() != nil || p.Value() != 1 {
		t.Fatalf("PollRead after the next edge = %d, %v; want 1, nil", p.Value(), p.Err())
	}
}

// TestShortReadKeepsEndOfInput: data and the peer's FIN arrive together.
// Whether the event that reports them is dispatched before or after the
// short read that takes the data, the end of input is still read: a
// read-closed event is final and no short read clears it.
func TestShortReadKeepsEndOfInput(t *testing.T) {
	for _, dispatchFirst := range []bool{true, false} {
		name := "read first"
		if dispatchFirst {
			name = "event first"
		}
		t.Run(name, func(t *testing.T) {
			checkFDLeaks(t)
			r := newRegistry(t)
			a, b := socketPair(t)
			fd := NewFD(a, nil)
			defer fd.Close()
			cx, w := hostCx(r)
			buf := make([]byte, 16)
			if p := fd.PollReady(cx, Read); p.Err() != nil { // arm
				t.Fatalf("PollReady = %v", p.Err())
			}
			if _, err := unix.Write(b, []byte("ping")); err != nil {
				t.Fatalf("write = %v", err)
			}
			if !dispatchFirst {
				// The data's report only: the FIN comes after it.
				dispatchUntil(t, r, func() bool { return fd.reg.Load().readReady() })
			}
			if err := unix.Shutdown(b, unix.SHUT_WR); err != nil {
				t.Fatalf("shutdown = %v", err)
			}
			if dispatchFirst {
				dispatchUntil(t, r, func() bool {
					return fd.reg.Load().state.Load()&regReadClosed != 0
				})
			}
			if p := fd.PollRead(cx, buf); p.Err() != nil || string(buf[:p.Value()]) != "ping" {
				t.Fatalf("PollRead = %q, %v; want \"ping\", nil", buf[:p.Value()], p.Err())
			}
			woken := w.Count()
			p := fd.PollRead(cx, buf)
			if p.IsPending() {
				if dispatchFirst {
					t.Fatalf("PollRead after the data = pending; want EOF (the read-closed event was already seen)")
				}
				dispatchUntil(t, r, func() bool { return w.Count() > woken })
				p = fd.PollRead(cx, buf)
			}
			if p.IsPending() || p.Err() != io.EOF {
				t.Fatalf("PollRead at the end = %d, %v (pending %v); want 0, EOF", p.Value(), p.Err(), p.IsPending())
			}
		})
	}
}
