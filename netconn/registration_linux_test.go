package netconn_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/netconn"
	"github.com/eddyio/eddy/socket"
)

// socketFDs returns the descriptors of the process that are sockets.
func socketFDs(t *testing.T) []int {
	t.Helper()
	names, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	var fds []int
	for _, e := range names {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err == nil && strings.HasPrefix(target, "socket:") {
			n, _ := strconv.Atoi(e.Name())
			fds = append(fds, n)
		}
	}
	return fds
}

// epollSets returns, for each epoll instance of the process, the
// descriptors it watches, as /proc/self/fdinfo lists them ("tfd:" lines).
// Descriptors duplicated from one instance list the same set, so equal
// sets are counted once.
func epollSets(t *testing.T) [][]int {
	t.Helper()
	names, _ := os.ReadDir("/proc/self/fd")
	seen := map[string]bool{}
	var sets [][]int
	for _, e := range names {
		if target, err := os.Readlink("/proc/self/fd/" + e.Name()); err != nil || target != "anon_inode:[eventpoll]" {
			continue
		}
		info, err := os.ReadFile("/proc/self/fdinfo/" + e.Name())
		if err != nil {
			continue
		}
		var set []int
		for line := range strings.Lines(string(info)) {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "tfd:" {
				n, _ := strconv.Atoi(f[1])
				set = append(set, n)
			}
		}
		slices.Sort(set)
		key := ""
		for _, n := range set {
			key += strconv.Itoa(n) + ","
		}
		if !seen[key] {
			seen[key] = true
			sets = append(sets, set)
		}
	}
	return sets
}

// TestOneRegistration checks that a Conn's socket, after calls that
// waited for readiness both ways, is watched by exactly one epoll
// instance (its loop's): no second poller, not Go's own either.
func TestOneRegistration(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	before := socketFDs(t)
	a, b, err := socket.UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	var fds []int
	for _, fd := range socketFDs(t) {
		if !slices.Contains(before, fd) {
			fds = append(fds, fd)
		}
	}
	ca, cb := netconn.FromUnix(a, loop), netconn.FromUnix(b, loop)
	defer ca.Close()
	defer cb.Close()
	go func() {
		time.Sleep(20 * time.Millisecond) // the Read below waits first
		ca.Write([]byte("x"))
	}()
	if _, err := cb.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := cb.Write([]byte("y")); err != nil {
		t.Fatal(err)
	}
	if _, err := ca.Read(make([]byte, 1)); err != nil {
		t.Fatal(err)
	}

	if len(fds) != 2 {
		t.Fatalf("found %d new sockets; want the pair's 2", len(fds))
	}
	for _, fd := range fds {
		n := 0
		for _, set := range epollSets(t) {
			if slices.Contains(set, fd) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("socket fd %d is watched by %d epoll instances; want 1 (its loop's)", fd, n)
		}
	}
}
