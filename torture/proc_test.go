//go:build linux

package torture

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// serverProc is a running echo server child (serverMain).
type serverProc struct {
	addr string
	cmd  *exec.Cmd
	pid  int

	// The idle server's tasks and registered descriptors.
	idleTasks, idleRegistered int

	mu     sync.Mutex // one stats exchange at a time
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *syncBuffer
	exit   chan error
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine of exec and
// the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer starts the test binary again as an echo server with the
// flags of spec (see serverMain) and waits until it listens. It is
// stopped, and its exit checked, when the test ends.
func startServer(t testing.TB, spec string) *serverProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	s := &serverProc{cmd: exec.Command(exe), stderr: &syncBuffer{}, exit: make(chan error, 1),
		idleTasks: serverLoops + 1, idleRegistered: serverLoops}
	if strings.Contains(spec, "-handoff") {
		// One listener, accepted on by the server's own future.
		s.idleTasks, s.idleRegistered = 1, 1
	}
	// A race-enabled binary sleeps 1 s at exit unless told otherwise.
	s.cmd.Env = append(os.Environ(), serverEnv+"="+spec, "GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"))
	s.cmd.Stderr = s.stderr
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.stdout = bufio.NewReader(out)
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.pid = s.cmd.Process.Pid
	t.Cleanup(func() { s.stop(t) })
	line, err := s.readLine(30 * time.Second)
	if err != nil || !strings.HasPrefix(line, "listening ") {
		t.Fatalf("server did not start: %q, %v; stderr:\n%s", line, err, s.stderr)
	}
	s.addr = strings.TrimPrefix(line, "listening ")
	return s
}

// readLine reads a line of the server's stdout, failing after timeout.
func (s *serverProc) readLine(timeout time.Duration) (string, error) {
	type res struct {
		line string
		err  error
	}
	ch := make(chan res, 1)
	go func() {
		l, err := s.stdout.ReadString('\n')
		ch <- res{strings.TrimSuffix(l, "\n"), err}
	}()
	select {
	case r := <-ch:
		return r.line, r.err
	case <-time.After(timeout):
		s.cmd.Process.Kill() // the reading goroutine ends with the pipe
		return "", fmt.Errorf("no line from the server in %v", timeout)
	}
}

// stats asks the server for its counters (it runs two GCs first).
func (s *serverProc) stats(t testing.TB) serverStats {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := io.WriteString(s.stdin, "stats\n"); err != nil {
		t.Fatalf("stats: %v; stderr:\n%s", err, s.stderr)
	}
	line, err := s.readLine(60 * time.Second)
	if err != nil {
		t.Fatalf("stats: %v; stderr:\n%s", err, s.stderr)
	}
	var st serverStats
	if err := json.Unmarshal([]byte(line), &st); err != nil {
		t.Fatalf("stats: %q: %v", line, err)
	}
	return st
}

// fds counts the server's open descriptors (from /proc, so it works
// when the server has none left to open a directory with).
func (s *serverProc) fds(t testing.TB) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", s.pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// rss returns the server's resident set size in bytes.
func (s *serverProc) rss(t testing.TB) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	t.Fatal("no VmRSS in /proc/PID/status")
	return 0
}

// cpu returns the CPU time the server has used (user and system), from
// /proc/PID/stat, in clock ticks of 10 ms.
func (s *serverProc) cpu(t testing.TB) time.Duration {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid))
	if err != nil {
		t.Fatal(err)
	}
	// The command name, in parentheses, may hold spaces: count after it.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14 of the whole line
	stime, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// baseline is the server's state with no connection open.
type baseline struct {
	fds int
	st  serverStats
	rss int64
}

// baseline records the server's idle state, once it has closed every
// connection: it runs only its own tasks (an acceptor per loop and the
// server's future) and holds only its listeners.
func (s *serverProc) baseline(t testing.TB) baseline {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		b := baseline{fds: s.fds(t), st: s.stats(t), rss: s.rss(t)}
		if b.st.Tasks == s.idleTasks && b.st.Registered == s.idleRegistered && s.fds(t) == b.fds {
			return b
		}
		if time.Now().After(end) {
			t.Fatalf("server not idle 30 s after the warm-up: %d tasks, %d registered", b.st.Tasks, b.st.Registered)
		}
	}
}

// serverLoops is the number of the server's loops. When idle, it runs an
// acceptor per loop and the future of Run, and holds a listener per loop
// (with -handoff: one listener, accepted on by Run's future itself).
const serverLoops = 2

// heapSlack is how far above its idle figure the server's live heap may
// be once every connection is gone: the registry's slab of slots, which
// never shrinks (12 bytes per slot ever used), and the runtime's own.
const heapSlack = 4 << 20

// settled waits (up to timeout) until the server is back at b: the same
// descriptors, goroutines, tasks and registrations, no armed timer, and
// its heap within heapSlack of the start; it fails the test if not.
// It returns the last stats.
func (s *serverProc) settled(t testing.TB, b baseline, timeout time.Duration) serverStats {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		fds, st := s.fds(t), s.stats(t)
		ok := fds == b.fds && st.Goroutines == b.st.Goroutines && st.Tasks == b.st.Tasks &&
			st.Registered == b.st.Registered && st.Timers == 0 && st.HeapAlloc <= b.st.HeapAlloc+heapSlack
		if ok {
			t.Logf("server settled: fds %d, goroutines %d, tasks %d, registered %d, timers %d, heap %.1f MiB (idle %.1f MiB)",
				fds, st.Goroutines, st.Tasks, st.Registered, st.Timers, mib(st.HeapAlloc), mib(b.st.HeapAlloc))
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not settle in %v: fds %d (idle %d), goroutines %d (%d), tasks %d (%d), registered %d (%d), timers %d, heap %.1f MiB (idle %.1f MiB)",
				timeout, fds, b.fds, st.Goroutines, b.st.Goroutines, st.Tasks, b.st.Tasks,
				st.Registered, b.st.Registered, st.Timers, mib(st.HeapAlloc), mib(b.st.HeapAlloc))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// checkClean fails the test if the server reported a driver report (a
// failed or panicked task, a stall) or an error of an unexpected kind.
func checkClean(t testing.TB, st serverStats, allowed ...string) {
	t.Helper()
	if st.Reports > 0 {
		t.Errorf("server driver reports: %d: %q", st.Reports, st.ReportsS)
	}
	for k, n := range st.Errors {
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			t.Errorf("server: %d connections ended with errors of kind %q (samples %q)", n, k, st.Samples)
		}
	}
}

// stop asks the server to shut down and checks that it exits cleanly,
// without a race or a panic on its standard error.
func (s *serverProc) stop(t testing.TB) {
	t.Helper()
	go func() { s.exit <- s.cmd.Wait() }()
	s.stdin.Close()
	select {
	case err := <-s.exit:
		if err != nil {
			t.Errorf("server exited with %v; stderr:\n%s", err, s.stderr)
		}
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.exit
		t.Errorf("server did not exit within 30 s of the end of its input; stderr:\n%s", s.stderr)
	}
	if e := s.stderr.String(); strings.Contains(e, "DATA RACE") || strings.Contains(e, "panic") {
		t.Errorf("server's standard error reports a race or a panic:\n%s", e)
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }

// idleFlags give a server an idle timeout that the scenario never reaches,
// so that every connection also arms a timer, which must be gone however
// the connection ends (a reset, a half-close, a client that never reads).
const idleFlags = "-idle 1m"
