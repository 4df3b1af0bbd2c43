// Package leaktest checks that tests leave no goroutine and no file
// descriptor behind (DESIGN.md, contract 10: a driver stops with every
// goroutine and fd it started gone).
//
// A package opts in from its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(leaktest.Check(m)) }
//
// and a single test can check its own fds with [Fds]. The fd checks read
// /proc/self/fd and run on Linux only; elsewhere they are skipped.
package leaktest

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// Settle is how long the checks wait for goroutines to end and fds to be
// closed before they report a leak: a goroutine that has just been told to
// stop, or an fd closed by a goroutine that is ending, is not a leak.
const Settle = 2 * time.Second

// Check runs the tests of m and returns the exit code for os.Exit. When the
// tests pass, it also checks that every goroutine started during the run has
// ended and that the set of open fds is the one at start (Linux only), and if
// not, prints what is left (the goroutines' stacks, the fds' targets) and
// returns a non-zero code. When the tests fail, the leak checks are skipped:
// a failed test is reported already and often leaks by failing.
func Check(m *testing.M) int {
	warmUp()
	gs := goroutines()
	fds, fdErr := openFDs()
	code := m.Run()
	if code != 0 {
		return code
	}
	var msgs []string
	if left := waitGoroutines(gs); len(left) > 0 {
		msgs = append(msgs, fmt.Sprintf("%d goroutine(s) still running after the tests:\n\n%s",
			len(left), strings.Join(left, "\n\n")))
	}
	if fdErr == nil {
		if diff := waitFDs(fds); diff != "" {
			msgs = append(msgs, "open fds differ after the tests:\n"+diff)
		}
	}
	if len(msgs) == 0 {
		return 0
	}
	fmt.Fprintf(os.Stderr, "leaktest: FAIL: %s\n", strings.Join(msgs, "\n"))
	return 1
}

// Fds registers a cleanup on t that fails t if the set of open fds at the
// end of the test (after the cleanups registered later, which run first)
// differs from the set at the call. It is skipped where /proc/self/fd is not
// available. A test that uses it must not run in parallel with tests that
// open or close fds.
func Fds(t testing.TB) {
	t.Helper()
	before, err := openFDs()
	if err != nil {
		return // no /proc/self/fd: nothing to compare
	}
	t.Cleanup(func() {
		if diff := waitFDs(before); diff != "" {
			t.Errorf("open fds differ after the test:\n%s", diff)
		}
	})
}

// Goroutines registers a cleanup on t that fails t if a goroutine started
// during the test is still running at its end (after the cleanups
// registered later). A test that uses it must not run in parallel.
func Goroutines(t testing.TB) {
	t.Helper()
	before := goroutines()
	t.Cleanup(func() {
		if left := waitGoroutines(before); len(left) > 0 {
			t.Errorf("%d goroutine(s) still running after the test:\n\n%s",
				len(left), strings.Join(left, "\n\n"))
		}
	})
}

// warmUp makes the runtime open the fds it keeps for the life of the process
// (the netpoller's epoll fd and its wake-up fd), so that the first test that
// uses a pipe or a socket does not look like a leak.
func warmUp() {
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}
}

// poll calls check until it reports done or Settle has passed, backing off
// from 1ms to 100ms between tries.
func poll(check func() bool) {
	deadline := time.Now().Add(Settle)
	for d := time.Millisecond; !check() && time.Now().Before(deadline); d = min(2*d, 100*time.Millisecond) {
		time.Sleep(d)
	}
}

// waitGoroutines returns the stacks of the goroutines not in before that are
// still running after Settle.
func waitGoroutines(before map[uint64]bool) []string {
	var left []string
	poll(func() bool {
		left = left[:0]
		for id, stack := range goroutineStacks() {
			if !before[id] && !ignored(stack) {
				left = append(left, stack)
			}
		}
		return len(left) == 0
	})
	slices.Sort(left)
	return left
}

// waitFDs returns the difference between the open fds and before, or "" once
// they are equal (within Settle).
func waitFDs(before map[int]string) string {
	var diff string
	poll(func() bool {
		now, err := openFDs()
		if err != nil {
			diff = ""
			return true
		}
		diff = diffFDs(before, now)
		return diff == ""
	})
	return diff
}

// diffFDs describes, one line per fd, the fds opened and closed between
// before and after, or "" if they are the same.
func diffFDs(before, after map[int]string) string {
	var lines []string
	for fd, target := range after {
		if old, ok := before[fd]; !ok {
			lines = append(lines, fmt.Sprintf("  fd %d -> %s: opened and not closed", fd, target))
		} else if old != target {
			lines = append(lines, fmt.Sprintf("  fd %d -> %s: was %s (closed and reused)", fd, target, old))
		}
	}
	for fd, target := range before {
		if _, ok := after[fd]; !ok {
			lines = append(lines, fmt.Sprintf("  fd %d -> %s: open before, closed since (closed twice?)", fd, target))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
