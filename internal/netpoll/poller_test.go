//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package netpoll

import (
	"errors"
	"net"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit"
	"golang.org/x/sys/unix"
)

// countFDs returns how many fds the process has open.
func countFDs(t *testing.T) int {
	t.Helper()
	dir := "/dev/fd"
	if runtime.GOOS == "linux" {
		dir = "/proc/self/fd"
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("cannot count fds: %v", err)
	}
	return len(ents)
}

// checkFDLeaks fails the test if it ends with more or fewer fds open than
// it started with. Tests that use it must not run in parallel.
func checkFDLeaks(t *testing.T) {
	t.Helper()
	countFDs(t) // warm up: the first ReadDir may open runtime fds of its own
	before := countFDs(t)
	t.Cleanup(func() {
		if after := countFDs(t); after != before {
			t.Errorf("open fds: %d after the test, %d before; leaked %d", after, before, after-before)
		}
	})
}

// openPoller opens a Poller closed at the end of the test.
func openPoller(t *testing.T) *Poller {
	t.Helper()
	p, err := Open()
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return p
}

// socketPair is testkit.SocketPair with both ends closed at the end of the test.
func socketPair(t testing.TB) (a, b int) {
	t.Helper()
	a, b = testkit.SocketPair(t)
	t.Cleanup(func() {
		unix.Close(a)
		unix.Close(b)
	})
	return a, b
}

var oneByte = []byte{'x'}

func write1(t testing.TB, fd int) {
	t.Helper()
	if _, err := unix.Write(fd, oneByte); err != nil {
		t.Fatalf("write(%d) = %v", fd, err)
	}
}

// collect waits once and returns the events merged per token (kqueue reports
// read and write separately).
func collect(t *testing.T, p *Poller, timeout time.Duration) map[Token]Event {
	t.Helper()
	events := make([]Event, 64)
	n, err := p.Wait(events, timeout)
	if err != nil {
		t.Fatalf("Wait(%v) = %d, %v", timeout, n, err)
	}
	got := make(map[Token]Event)
	for _, ev := range events[:n] {
		if ev.Token == WakeToken {
			t.Errorf("Wait reported WakeToken")
		}
		m := got[ev.Token]
		got[ev.Token] = Event{Token: ev.Token, Readable: m.Readable || ev.Readable, Writable: m.Writable || ev.Writable}
	}
	return got
}

// settle consumes the initial writable edge that registering a socket
// produces, so that a test sees only the edges it causes.
func settle(t *testing.T, p *Poller) {
	t.Helper()
	for len(collect(t, p, 20*time.Millisecond)) > 0 {
	}
}

const tok = Token(7<<32 | 3) // generation 7, slot 3: both halves non-zero

func TestReadable(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	a, b := socketPair(t)
	if err := p.Add(a, tok); err != nil {
		t.Fatalf("Add(%d, %#x) = %v", a, tok, err)
	}
	settle(t, p)
	write1(t, b)
	got := collect(t, p, time.Second)
	if ev, ok := got[tok]; !ok || !ev.Readable || len(got) != 1 {
		t.Fatalf("Wait after write = %+v; want one Readable event for token %#x", got, tok)
	}
	// Edge-triggered: nothing new was written, so nothing is reported,
	// although the byte is still unread.
	if got := collect(t, p, 20*time.Millisecond); len(got) != 0 {
		t.Errorf("second Wait = %+v; want no event (edge-triggered)", got)
	}
	// A new edge is reported again.
	write1(t, b)
	if got := collect(t, p, time.Second); !got[tok].Readable {
		t.Errorf("Wait after second write = %+v; want Readable for %#x", got, tok)
	}
}

func TestWakeUnblocksWait(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	done := make(chan error, 1)
	go func() {
		events := make([]Event, 8)
		n, err := p.Wait(events, -1)
		if err == nil && n != 0 {
			err = errors.New("Wait reported an event for a wake-up")
		}
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := p.Wake(); err != nil {
		t.Fatalf("Wake() = %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Wait(-1): %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait(-1) still blocked 5s after Wake")
	}
}

func TestWakesCoalesce(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	var wg sync.WaitGroup
	for range 1000 {
		wg.Go(func() {
			if err := p.Wake(); err != nil {
				t.Errorf("Wake() = %v", err)
			}
		})
	}
	wg.Wait()
	if got := collect(t, p, -1); len(got) != 0 {
		t.Fatalf("Wait after Wakes = %+v; want no event", got)
	}
	start := time.Now()
	if got := collect(t, p, 10*time.Millisecond); len(got) != 0 {
		t.Fatalf("second Wait = %+v; want a timeout with no event", got)
	}
	if d := time.Since(start); d < 5*time.Millisecond {
		t.Errorf("second Wait returned after %v; want it to time out (wake-up not drained?)", d)
	}
	// The flag was cleared: a later Wake still works.
	if err := p.Wake(); err != nil {
		t.Fatalf("Wake() = %v", err)
	}
	start = time.Now()
	collect(t, p, 5*time.Second)
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("Wait after a fresh Wake took %v; wake-up lost", d)
	}
}

func TestManyFDs(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	const n = 1000
	peers := make([]int, n)
	for i := range n {
		a, b := socketPair(t)
		peers[i] = b
		if err := p.Add(a, Token(uint64(i+1)<<32|uint64(i))); err != nil {
			t.Fatalf("Add(%d) = %v", a, err)
		}
	}
	settle(t, p)
	for _, b := range peers {
		write1(t, b)
	}
	seen := make(map[Token]int)
	events := make([]Event, 64) // smaller than n: it takes successive Waits
	for {
		k, err := p.Wait(events, 100*time.Millisecond)
		if err != nil {
			t.Fatalf("Wait() = %v", err)
		}
		if k == 0 {
			break
		}
		for _, ev := range events[:k] {
			if ev.Readable {
				seen[ev.Token]++
			}
		}
	}
	for i := range n {
		tk := Token(uint64(i+1)<<32 | uint64(i))
		if seen[tk] != 1 {
			t.Errorf("token %#x reported readable %d times; want 1", tk, seen[tk])
		}
	}
	if len(seen) != n {
		t.Errorf("%d tokens reported; want %d", len(seen), n)
	}
}

func TestDelete(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	a, b := socketPair(t)
	if err := p.Add(a, tok); err != nil {
		t.Fatalf("Add() = %v", err)
	}
	settle(t, p)
	if err := p.Delete(a); err != nil {
		t.Fatalf("Delete() = %v", err)
	}
	write1(t, b)
	if got := collect(t, p, 20*time.Millisecond); len(got) != 0 {
		t.Errorf("Wait after Delete and write = %+v; want no event", got)
	}
	if err := p.Delete(a); err != nil {
		t.Errorf("second Delete() = %v; want nil (ENOENT is not an error)", err)
	}
	c, d := testkit.SocketPair(t)
	defer unix.Close(d)
	if err := p.Add(c, tok); err != nil {
		unix.Close(c)
		t.Fatalf("Add() = %v", err)
	}
	unix.Close(c)
	if err := p.Delete(c); err != nil {
		t.Errorf("Delete(closed fd) = %v; want nil (EBADF is not an error)", err)
	}
}

func TestHangUp(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(a)
	if err := p.Add(a, tok); err != nil {
		unix.Close(b)
		t.Fatalf("Add() = %v", err)
	}
	settle(t, p)
	unix.Close(b)
	got := collect(t, p, time.Second)
	if ev := got[tok]; !ev.Readable || !ev.Writable {
		t.Errorf("Wait after peer close = %+v; want Readable and Writable for %#x", got, tok)
	}
}

func TestClose(t *testing.T) {
	checkFDLeaks(t)
	p, err := Open()
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	a, _ := socketPair(t)
	if err := p.Add(a, tok); err != nil {
		t.Fatalf("Add() = %v", err)
	}
	for i := range 3 {
		if err := p.Close(); err != nil {
			t.Fatalf("Close() #%d = %v; want nil", i+1, err)
		}
	}
	if err := p.Wake(); err != nil {
		t.Errorf("Wake() after Close = %v; want nil", err)
	}
	if _, err := p.Wait(make([]Event, 1), 0); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Wait() after Close = %v; want net.ErrClosed", err)
	}
	if err := p.Add(a, tok); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Add() after Close = %v; want net.ErrClosed", err)
	}
	if err := p.Delete(a); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Delete() after Close = %v; want net.ErrClosed", err)
	}
}

func TestAddErrors(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	a, _ := socketPair(t)
	if err := p.Add(a, WakeToken); err == nil {
		t.Errorf("Add(fd, WakeToken) = nil; want an error")
	}
	if err := p.Add(-1, tok); !errors.Is(err, unix.EBADF) {
		t.Errorf("Add(-1) = %v; want EBADF", err)
	}
	var se *os.SyscallError
	if err := p.Add(-1, tok); !errors.As(err, &se) {
		t.Errorf("Add(-1) = %T; want *os.SyscallError", err)
	}
	if _, err := p.Wait(nil, 0); !errors.Is(err, unix.EINVAL) {
		t.Errorf("Wait(nil) = %v; want EINVAL", err)
	}
}

func TestTimeoutRoundsUp(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	events := make([]Event, 8)
	// A signal (the runtime's preemption SIGURG) can end the wait early with
	// EINTR, which Wait reports as 0, nil; so allow a few attempts.
	var took time.Duration
	for range 5 {
		start := time.Now()
		n, err := p.Wait(events, time.Microsecond)
		took = time.Since(start)
		if err != nil || n != 0 {
			t.Fatalf("Wait(1µs) = %d, %v; want 0, nil", n, err)
		}
		if took >= time.Millisecond {
			return
		}
	}
	t.Errorf("Wait(1µs) took %v; want >= 1ms (rounded up, not down to a busy poll)", took)
}

func TestWaitMillis(t *testing.T) {
	tests := []struct {
		name string
		in   time.Duration
		want int
	}{
		{name: "block", in: -1, want: -1},
		{name: "block-large", in: -time.Hour, want: -1},
		{name: "poll", in: 0, want: 0},
		{name: "1ns", in: 1, want: 1},
		{name: "1µs", in: time.Microsecond, want: 1},
		{name: "1ms", in: time.Millisecond, want: 1},
		{name: "1ms+1ns", in: time.Millisecond + 1, want: 2},
		{name: "1.5s", in: 1500 * time.Millisecond, want: 1500},
		{name: "max", in: 1<<63 - 1, want: maxWaitMillis},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := waitMillis(tc.in); got != tc.want {
				t.Errorf("waitMillis(%v) = %d; want %d", tc.in, got, tc.want)
			}
		})
	}
}

func TestWaitAllocs(t *testing.T) {
	checkFDLeaks(t)
	p := openPoller(t)
	a, b := socketPair(t)
	if err := p.Add(a, tok); err != nil {
		t.Fatalf("Add() = %v", err)
	}
	events := make([]Event, 16)
	buf := make([]byte, 16)
	p.Wait(events, 0) // first Wait may size the scratch buffer
	allocs := testing.AllocsPerRun(100, func() {
		unix.Write(b, oneByte)
		p.Wake()
		for tries := 0; ; tries++ { // 0, nil may be an EINTR: retry
			n, err := p.Wait(events, time.Second)
			if err != nil || (n == 0 && tries == 3) {
				t.Fatalf("Wait() = %d, %v; want an event", n, err)
			}
			if n > 0 {
				break
			}
		}
		unix.Read(a, buf)
	})
	if allocs != 0 {
		t.Errorf("Wait allocates %v times per run; want 0", allocs)
	}
}

func FuzzTokenPacking(f *testing.F) {
	for _, seed := range []uint64{0, 1, 1 << 32, 1<<32 | 1, uint64(tok), 1<<63 | 1<<31, ^uint64(0) - 1, ^uint64(0)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v uint64) {
		in := Token(v)
		lo, hi := packToken(in)
		if got := unpackToken(lo, hi); got != in {
			t.Fatalf("unpackToken(packToken(%#x)) = %#x", in, got)
		}
		if uint32(lo) != uint32(in) || uint32(hi) != uint32(in>>32) {
			t.Fatalf("packToken(%#x) = %#x, %#x; want slot index low, generation high", in, lo, hi)
		}
	})
}
