//go:build linux

package netpoll

import (
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openParker opens a Poller and a Parker on it, both closed at the end of
// the test; it fails the test if the Parker could not park (no duplicate
// descriptor registered with Go's netpoller).
func openParker(t *testing.T) *Parker {
	t.Helper()
	p := openPoller(t)
	k := NewParker(p)
	t.Cleanup(k.Close)
	if k.file == nil {
		t.Fatalf("NewParker: the epoll descriptor was not registered with Go's netpoller")
	}
	return k
}

// waitFuncs are the two ways a Parker waits: Wait (epoll_wait for up to
// blockFor, then parked) and parkWait alone (parked from the start).
var waitFuncs = []struct {
	name string
	wait waitFunc
}{
	{"Wait", (*Parker).Wait},
	{"parkWait", (*Parker).parkWait},
}

// waitFunc is one way a Parker waits.
type waitFunc func(k *Parker, events []Event, timeout time.Duration) (int, error)

// waitDuring runs act on another goroutine after delay while wait waits on
// k, and returns the events the wait filled and its result. The wait may
// last a minute, which stands for "forever": the test fails instead of
// hanging. It fails the test if act fails.
func waitDuring(t *testing.T, k *Parker, wait waitFunc, delay time.Duration, act func() error) ([]Event, int, error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		time.Sleep(delay)
		done <- act()
	}()
	events := make([]Event, 8)
	n, err := wait(k, events, time.Minute)
	if aerr := <-done; aerr != nil {
		t.Fatalf("the other goroutine's call = %v", aerr)
	}
	return events, n, err
}

// wakeDelays put another goroutine's Wake before the wait, inside the
// epoll_wait phase, and (usually) after it, in the parked phase. Which
// phase a delay lands in is not asserted.
var wakeDelays = []time.Duration{0, 100 * time.Microsecond, 3 * blockFor}

// eachWait runs test as a subtest for every way of waiting and every
// delay in wakeDelays, with a fresh Parker.
func eachWait(t *testing.T, test func(t *testing.T, k *Parker, name string, wait waitFunc, delay time.Duration)) {
	checkFDLeaks(t)
	for _, wf := range waitFuncs {
		for _, delay := range wakeDelays {
			t.Run(wf.name+"/"+delay.String(), func(t *testing.T) { test(t, openParker(t), wf.name, wf.wait, delay) })
		}
	}
}

func TestParkerWakeFromAnotherGoroutine(t *testing.T) {
	eachWait(t, func(t *testing.T, k *Parker, name string, wait waitFunc, delay time.Duration) {
		_, n, err := waitDuring(t, k, wait, delay, k.p.Wake)
		if n != 0 || err != nil || !k.p.woken {
			t.Fatalf("%s after Wake = %d, %v (woken %v); want 0, nil, woken", name, n, err, k.p.woken)
		}
	})
}

func TestParkerReadiness(t *testing.T) {
	eachWait(t, func(t *testing.T, k *Parker, name string, wait waitFunc, delay time.Duration) {
		a, b := socketPair(t)
		if err := k.p.Add(a, tok); err != nil {
			t.Fatalf("Add = %v", err)
		}
		settle(t, k.p)
		events, n, err := waitDuring(t, k, wait, delay, func() error {
			_, err := unix.Write(b, oneByte)
			return err
		})
		if err != nil || n != 1 || events[0].Token != tok || !events[0].Readable {
			t.Fatalf("%s after a write = %d, %v, %+v; want one Readable event for %#x", name, n, err, events[:n], tok)
		}
	})
}

func TestParkerTimeout(t *testing.T) {
	checkFDLeaks(t)
	// Shorter than blockFor (epoll_wait only), and longer (then parked).
	for _, timeout := range []time.Duration{0, blockFor / 2, blockFor, 3 * blockFor} {
		t.Run(timeout.String(), func(t *testing.T) {
			k := openParker(t)
			events := make([]Event, 8)
			n, err := k.Wait(events, timeout)
			if n != 0 || err != nil || k.p.woken {
				t.Fatalf("Wait(%v) with nothing ready = %d, %v (woken %v); want 0, nil", timeout, n, err, k.p.woken)
			}
			// The Parker still works after a timeout: a wake-up comes through.
			if err := k.p.Wake(); err != nil {
				t.Fatalf("Wake() = %v", err)
			}
			if n, err := k.Wait(events, time.Minute); n != 0 || err != nil || !k.p.woken {
				t.Fatalf("Wait after a timeout and a Wake = %d, %v (woken %v); want 0, nil, woken", n, err, k.p.woken)
			}
		})
	}
}

func TestParkerCloseReleases(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	before := countFDs(t)
	k := NewParker(p)
	if k.file == nil {
		t.Fatalf("NewParker: the epoll descriptor was not registered with Go's netpoller")
	}
	if got := countFDs(t); got != before+1 {
		t.Errorf("open fds with a Parker = %d; want %d (one duplicate)", got, before+1)
	}
	k.Close()
	k.Close() // idempotent
	if got := countFDs(t); got != before {
		t.Errorf("open fds after Parker.Close = %d; want %d", got, before)
	}
	// The Poller is left open, and the closed Parker blocks in its Wait.
	if err := p.Wake(); err != nil {
		t.Fatalf("Wake() after Parker.Close = %v", err)
	}
	events := make([]Event, 8)
	if n, err := k.Wait(events, time.Minute); n != 0 || err != nil || !p.woken {
		t.Fatalf("Wait after Parker.Close and Wake = %d, %v (woken %v); want 0, nil, woken", n, err, p.woken)
	}
}

func TestParkerWaitAllocs(t *testing.T) {
	k := openParker(t)
	a, b := socketPair(t)
	if err := k.p.Add(a, tok); err != nil {
		t.Fatalf("Add = %v", err)
	}
	settle(t, k.p)
	events := make([]Event, 8)
	for _, tc := range []struct {
		name    string
		timeout time.Duration
		before  func()
	}{
		{"woken", time.Minute, func() { k.p.Wake() }},
		{"ready", time.Minute, func() { unix.Write(b, oneByte) }},
		{"look", 0, func() {}},
		{"timeout in epoll_wait", blockFor / 2, func() {}},
		{"timeout parked", 2 * blockFor, func() {}},
	} {
		// The first waits may allocate the netpoller's timer; not counted.
		tc.before()
		k.Wait(events, tc.timeout)
		if allocs := testing.AllocsPerRun(20, func() {
			tc.before()
			if _, err := k.Wait(events, tc.timeout); err != nil {
				t.Fatalf("%s: Wait = %v", tc.name, err)
			}
		}); allocs != 0 {
			t.Errorf("%s: Wait allocates %v times per call; want 0", tc.name, allocs)
		}
	}
	var buf [64]byte
	unix.Read(a, buf[:])
}

// TestBlockForIsATickOrMore keeps the bound of the blocking phase at a
// scheduler tick or more on every usual kernel (HZ 100: 10 ms). A shorter
// bound is the CPU's next timer event at nearly every sleep of a busy
// loop, and reprogramming the timer for it is what blockFor's doc says it
// costs.
func TestBlockForIsATickOrMore(t *testing.T) {
	if blockFor < 10*time.Millisecond {
		t.Fatalf("blockFor = %v, shorter than a 10 ms scheduler tick", blockFor)
	}
}
