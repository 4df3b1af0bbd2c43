package driver_test

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

func TestCloseShutdownTimeout(t *testing.T) {
	tests := []struct {
		name          string
		timeout       time.Duration
		wantFinished  bool
		wantCancelled []string
	}{
		{name: "lets tasks finish, cancels the rest", timeout: 300 * time.Millisecond,
			wantFinished: true, wantCancelled: []string{"driver_test.parked"}},
		{name: "zero cancels at once", timeout: 0,
			wantCancelled: []string{"*driver_test.then", "driver_test.parked"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &logRecorder{}
			l, err := driver.New(driver.Config{ShutdownTimeout: tc.timeout, Logf: rec.Logf})
			if err != nil {
				t.Fatalf("New() = %v", err)
			}
			finished := false
			short := &then{f: driver.Sleep(10 * time.Millisecond), fn: func() { finished = true }}
			if _, err := loopkit.Block(t, l, seqOf(driver.Spawn(short), driver.Spawn(parked{}))); err != nil {
				t.Fatalf("BlockOn() = %v", err)
			}
			start := time.Now()
			err = l.Close()
			elapsed := time.Since(start)
			var se *driver.ShutdownError
			if !errors.As(err, &se) {
				t.Fatalf("Close() = %v; want a *ShutdownError", err)
			}
			if d := cmp.Diff(tc.wantCancelled, se.Cancelled); d != "" {
				t.Errorf("ShutdownError.Cancelled mismatch (-want +got):\n%s", d)
			}
			if finished != tc.wantFinished {
				t.Errorf("task with a 10ms sleep finished = %v; want %v", finished, tc.wantFinished)
			}
			if tc.timeout > 0 && elapsed < tc.timeout {
				t.Errorf("Close() returned after %v; want it to wait the %v shutdown timeout for the parked task", elapsed, tc.timeout)
			}
			if lines := rec.lines(); len(lines) != 1 || lines[0] != err.Error() {
				t.Errorf("Logf got %q; want [%q]", lines, err.Error())
			}
			if err := l.Close(); err != nil {
				t.Errorf("second Close() = %v; want nil", err)
			}
		})
	}
}

func TestCloseWithNothingLeft(t *testing.T) {
	l, err := driver.New(driver.Config{ShutdownTimeout: time.Hour, Logf: t.Logf})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	loopkit.Block(t, l, yields(2))
	done := make(chan error, 1)
	go func() { done <- l.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close() = %v; want nil", err)
		}
	case <-time.After(loopkit.Timeout):
		t.Fatalf("Close() with no task left waited for its hour-long shutdown timeout")
	}
}

func TestShutdownErrorMessage(t *testing.T) {
	err := &driver.ShutdownError{Cancelled: []string{"*a.b", "c.d"}}
	if want := "driver: cancelled 2 task(s) still running at shutdown: *a.b, c.d"; err.Error() != want {
		t.Errorf("Error() = %q; want %q", err.Error(), want)
	}
}

// reader reads from an FD and sets started once it has parked.
type reader struct {
	fd      *netpoll.FD
	buf     [16]byte
	started *latch
	n       int
	err     error
}

func (r *reader) Poll(cx *future.Context) future.Poll[struct{}] {
	p := r.fd.PollRead(cx, r.buf[:])
	if p.IsPending() {
		if r.started != nil {
			r.started.Set()
		}
		return future.Pending[struct{}]()
	}
	r.n, r.err = p.Result()
	return future.Ok(struct{}{})
}

func TestCloseClosesRegisteredFDs(t *testing.T) {
	leaktest.Fds(t)
	l, err := driver.New(driver.Config{Logf: t.Logf})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	a, b := testkit.SocketPair(t)
	defer syscall.Close(b)
	fd := netpoll.NewFD(a, nil)
	started := &latch{}
	if _, err := loopkit.Block(t, l, seqOf(driver.Spawn(&reader{fd: fd, started: started}), started)); err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	if n := driver.Registered(l); n != 1 {
		t.Fatalf("Registered() = %d; want 1", n)
	}
	var se *driver.ShutdownError
	if err := l.Close(); !errors.As(err, &se) || len(se.Cancelled) != 1 || se.Cancelled[0] != "*driver_test.reader" {
		t.Errorf("Close() = %v; want a *ShutdownError cancelling [*driver_test.reader]", err)
	}
	if !fd.Closed() {
		t.Errorf("FD.Closed() after the loop closed = false; want true")
	}
	if err := syscall.SetNonblock(a, true); !errors.Is(err, syscall.EBADF) {
		t.Errorf("fcntl(%d) after the loop closed = %v; want EBADF (the fd closed)", a, err)
	}
	if err := fd.Close(); !errors.Is(err, netpoll.ErrClosed) {
		t.Errorf("FD.Close() after the loop closed it = %v; want ErrClosed", err)
	}
}

func TestStallOfRoot(t *testing.T) {
	rec := &logRecorder{}
	var stalls []*driver.StallError
	l := newLoop(t, driver.Config{DetectStalls: true, Logf: rec.Logf, OnStall: func(e *driver.StallError) { stalls = append(stalls, e) }})
	s := &stuck{}
	_, err := loopkit.Block(t, l, s)
	var se *driver.StallError
	if !errors.As(err, &se) || se.Task != "*driver_test.stuck" {
		t.Fatalf("BlockOn(stuck) = %v; want *StallError{Task: *driver_test.stuck}", err)
	}
	const want = "driver: task *driver_test.stuck answered pending without arranging a wake-up (no future took cx.Waker()); it would hang forever"
	if se.Error() != want {
		t.Errorf("Error() = %q; want %q", se.Error(), want)
	}
	if s.polls != 1 || len(stalls) != 1 || stalls[0] != se {
		t.Errorf("stuck polled %d times, OnStall got %v; want 1 poll and the returned error", s.polls, stalls)
	}
	if lines := rec.lines(); len(lines) != 1 || lines[0] != want {
		t.Errorf("Logf got %q; want [%q]", lines, want)
	}
	// The stalled root is cancelled: the loop is usable and closes cleanly.
	if v, err := loopkit.Block(t, l, future.Ready(3)); v != 3 || err != nil {
		t.Errorf("BlockOn() after a stall = %d, %v; want 3, nil", v, err)
	}
}

func TestStallOfSpawnedTask(t *testing.T) {
	found := &latch{}
	var stalls []string
	l, err := driver.New(driver.Config{DetectStalls: true, Logf: t.Logf, OnStall: func(e *driver.StallError) {
		stalls = append(stalls, e.Task)
		found.Set()
	}})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	if _, err := loopkit.Block(t, l, seqOf(driver.Spawn(&stuck{}), found)); err != nil {
		t.Fatalf("BlockOn() = %v; want nil (a spawned task's stall is reported, not returned)", err)
	}
	if d := cmp.Diff([]string{"*driver_test.stuck"}, stalls); d != "" {
		t.Errorf("OnStall tasks mismatch (-want +got):\n%s", d)
	}
	var se *driver.ShutdownError
	if err := l.Close(); !errors.As(err, &se) || len(se.Cancelled) != 1 {
		t.Errorf("Close() = %v; want a *ShutdownError cancelling the stuck task", err)
	}
}

func TestNoStallForWellBehavedFutures(t *testing.T) {
	var stalls []string
	l, err := driver.New(driver.Config{DetectStalls: true, Logf: t.Logf, OnStall: func(e *driver.StallError) { stalls = append(stalls, e.Task) }})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	gate := &latch{}
	root := seqOf(
		driver.Spawn(parked{}),                      // takes the waker, never woken
		driver.Spawn(&then{f: gate, fn: func() {}}), // parked on a latch
		driver.Spawn(yields(5)),                     // wakes itself
		driver.Sleep(20*time.Millisecond),           // parked on a timer
		driver.Spawn(&then{f: future.Done(), fn: gate.Set}),
		yields(3),
		driver.Sleep(time.Millisecond),
	)
	if _, err := loopkit.Block(t, l, root); err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	if len(stalls) != 0 {
		t.Errorf("OnStall reported %q; want no stall", stalls)
	}
	var se *driver.ShutdownError
	if err := l.Close(); !errors.As(err, &se) || len(se.Cancelled) != 1 || se.Cancelled[0] != "driver_test.parked" {
		t.Errorf("Close() = %v; want a *ShutdownError cancelling [driver_test.parked]", err)
	}
}
