// Package prockit holds what the tests of the example programs share: build
// the program into the test's temporary directory, run it, read what it
// writes as it writes it, find the address it says it listens on, and stop
// it, checking that it exits cleanly.
//
// It is imported by tests only, never by library code: it imports package
// testing.
package prockit

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Timeout bounds every wait of the kit: a program that has not said or done
// what is awaited by then fails the test instead of hanging it.
const Timeout = 20 * time.Second

// Build compiles the main package in dir (relative to the test's working
// directory: "." for the package under test) into t.TempDir() and returns
// the binary's path. Under -race the binary is built with -race too.
func Build(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "prog")
	build(t, bin, dir)
	return bin
}

// build compiles the main package in dir into bin.
func build(t testing.TB, bin, dir string) {
	t.Helper()
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, dir)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", dir, err, out)
	}
}

// shared holds the binaries of BuildOnce, one per package directory, in a
// directory of their own that RemoveBuilds deletes.
var shared struct {
	sync.Mutex
	dir  string
	bins map[string]string
}

// BuildOnce is Build done once per test binary for each dir: the tests of a
// package that start its program many times share one build. The binaries
// outlive the test that built them; TestMain removes them with RemoveBuilds.
func BuildOnce(t testing.TB, dir string) string {
	t.Helper()
	shared.Lock()
	defer shared.Unlock()
	if bin, ok := shared.bins[dir]; ok {
		return bin
	}
	if shared.dir == "" {
		d, err := os.MkdirTemp("", "eddy-prockit")
		if err != nil {
			t.Fatal(err)
		}
		shared.dir, shared.bins = d, map[string]string{}
	}
	bin := filepath.Join(shared.dir, strconv.Itoa(len(shared.bins)))
	build(t, bin, dir)
	shared.bins[dir] = bin
	return bin
}

// RemoveBuilds deletes the binaries BuildOnce made; call it from TestMain
// after the tests ran.
func RemoveBuilds() {
	shared.Lock()
	defer shared.Unlock()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
		shared.dir, shared.bins = "", nil
	}
}

// Proc is a running program. Its standard output and standard error are
// read as they come; Stdin is a pipe to its standard input.
type Proc struct {
	Cmd   *exec.Cmd
	Stdin io.WriteCloser

	exit   chan struct{} // closed once the program has exited
	result error         // what Wait returned; set before exit closes

	mu      sync.Mutex
	stdout  bytes.Buffer
	stderr  bytes.Buffer
	changed chan struct{} // closed and replaced whenever output arrives
}

// Start runs bin with args. When the test ends the program is killed if it
// is still running, and the test fails if its standard error reports a data
// race or a panic.
func Start(t testing.TB, bin string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Cmd: exec.Command(bin, args...), exit: make(chan struct{}), changed: make(chan struct{})}
	// A race-enabled binary sleeps 1 s at exit unless told otherwise.
	p.Cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"))
	stdin, err := p.Cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.Stdin = stdin
	stdout, err := p.Cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := p.Cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	var readers sync.WaitGroup
	readers.Go(func() { p.copyOut(&p.stdout, stdout) })
	readers.Go(func() { p.copyOut(&p.stderr, stderr) })
	go func() {
		readers.Wait() // Wait closes the pipes: read them to the end first
		p.result = p.Cmd.Wait()
		close(p.exit)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exit:
		default:
			p.Cmd.Process.Kill()
			<-p.exit
		}
		if s := p.Stderr(); strings.Contains(s, "DATA RACE") || strings.Contains(s, "panic:") {
			t.Errorf("%s reported a race or a panic:\n%s", bin, s)
		}
	})
	return p
}

func (p *Proc) copyOut(dst *bytes.Buffer, src io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			dst.Write(buf[:n])
			close(p.changed)
			p.changed = make(chan struct{})
			p.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// Stdout returns what the program wrote to its standard output so far.
func (p *Proc) Stdout() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.stdout.Bytes())
}

// Stderr returns what the program wrote to its standard error so far.
func (p *Proc) Stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// WaitStdout waits until done reports true of everything the program wrote
// to its standard output so far (done must not keep out); it fails the test
// after Timeout, or if the program exits first. Stdout returns a copy.
func (p *Proc) WaitStdout(t testing.TB, what string, done func(out []byte) bool) {
	t.Helper()
	p.wait(t, what, func() []byte { return p.stdout.Bytes() }, done)
}

// WaitStderr waits until the program's standard error matches re, and
// returns the first match's submatches.
func (p *Proc) WaitStderr(t testing.TB, re *regexp.Regexp) []string {
	t.Helper()
	var m []string
	p.wait(t, re.String(), func() []byte { return p.stderr.Bytes() }, func(b []byte) bool {
		m = re.FindStringSubmatch(string(b))
		return m != nil
	})
	return m
}

func (p *Proc) wait(t testing.TB, what string, out func() []byte, done func([]byte) bool) {
	t.Helper()
	deadline := time.After(Timeout)
	for {
		p.mu.Lock()
		if done(out()) {
			p.mu.Unlock()
			return
		}
		changed := p.changed
		p.mu.Unlock()
		select {
		case <-changed:
		case <-p.exit:
			p.mu.Lock()
			ok := done(out())
			p.mu.Unlock()
			if ok {
				return
			}
			t.Fatalf("program exited (%v) before %s; stdout ends:\n%q\nstderr ends:\n%s", p.result, what, tail(p.Stdout()), tail([]byte(p.Stderr())))
		case <-deadline:
			t.Fatalf("no %s after %v; stdout ends:\n%q\nstderr ends:\n%s", what, Timeout, tail(p.Stdout()), tail([]byte(p.Stderr())))
		}
	}
}

// tail returns the last 2 KiB of b, for a failure's message.
func tail(b []byte) []byte { return b[max(0, len(b)-2048):] }

var listeningRE = regexp.MustCompile(`listening on (\S+)`)

// Addr waits for the line in which the program says "listening on ADDR" on
// its standard error, and returns ADDR.
func (p *Proc) Addr(t testing.TB) string {
	t.Helper()
	return p.WaitStderr(t, listeningRE)[1]
}

// WaitExit waits for the program to exit by itself, failing the test after
// Timeout, and returns what exec.Cmd.Wait returned (an *exec.ExitError for
// a non-zero status).
func (p *Proc) WaitExit(t testing.TB) error {
	t.Helper()
	select {
	case <-p.exit:
	case <-time.After(Timeout):
		t.Fatalf("program still running after %v; stderr:\n%s", Timeout, p.Stderr())
	}
	return p.result
}

// Wait waits for the program to exit by itself and fails the test unless
// it exits with status 0 within Timeout.
func (p *Proc) Wait(t testing.TB) {
	t.Helper()
	if err := p.WaitExit(t); err != nil {
		t.Errorf("program exited with %v; want status 0; stderr:\n%s", err, p.Stderr())
	}
}

// Exited reports whether the program has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.exit:
		return true
	default:
		return false
	}
}

// Stop sends sig (SIGINT, SIGTERM) and waits for a clean exit: status 0,
// not killed by the signal.
func (p *Proc) Stop(t testing.TB, sig syscall.Signal) {
	t.Helper()
	if err := p.Cmd.Process.Signal(sig); err != nil {
		t.Fatalf("Signal(%v): %v", sig, err)
	}
	p.Wait(t)
}

// RSS returns the program's resident set size in KiB, read from
// /proc/PID/status (VmRSS); it skips the test where there is no /proc.
func (p *Proc) RSS(t testing.TB) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.Cmd.Process.Pid), "status"))
	if err != nil {
		t.Skipf("no /proc status to read the RSS from: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("VmRSS %q: %v", f[1], err)
			}
			return kb
		}
	}
	t.Fatalf("no VmRSS in /proc/%d/status", p.Cmd.Process.Pid)
	return 0
}
