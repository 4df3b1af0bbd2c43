package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// echoBin is the echo server binary built once by TestMain (with -race
// when the tests run with it).
var echoBin string

// The load of the concurrency tests.
const (
	manyClients = 1000 // clients of 1 B to 64 KiB, 200 in flight
	bigClients  = 10   // clients of 8 MiB, all at once
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "eddy-echo-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	echoBin = filepath.Join(dir, "echo")
	args := []string{"build", "-o", echoBin}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, ".")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// server is a running echo process.
type server struct {
	addr string
	cmd  *exec.Cmd
	exit chan error // receives the result of cmd.Wait once

	mu      sync.Mutex
	lines   []string
	changed chan struct{} // closed and replaced whenever a line arrives
}

var listeningRE = regexp.MustCompile(`listening on (\S+)`)

// startServer runs the echo binary on a free port of 127.0.0.1 and waits
// until it logs its address. The process is interrupted (and, failing that,
// killed) when the test ends.
func startServer(t *testing.T, flags ...string) *server {
	t.Helper()
	s := &server{exit: make(chan error, 1), changed: make(chan struct{})}
	s.cmd = exec.Command(echoBin, append([]string{"-addr", "127.0.0.1:0"}, flags...)...)
	// A race-enabled binary sleeps 1 s at exit unless told otherwise.
	s.cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0 "+os.Getenv("GORACE"))
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout = s.cmd.Stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", echoBin, err)
	}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.mu.Lock()
			s.lines = append(s.lines, sc.Text())
			close(s.changed)
			s.changed = make(chan struct{})
			s.mu.Unlock()
		}
	}()
	go func() {
		<-scanned // Wait closes the pipe: read it all first
		s.exit <- s.cmd.Wait()
	}()
	t.Cleanup(func() {
		if s.cmd.ProcessState == nil {
			s.cmd.Process.Signal(os.Interrupt)
			select {
			case err := <-s.exit:
				if err != nil {
					t.Errorf("echo server exited with %v after SIGINT; log:\n%s", err, s.log())
				}
			case <-time.After(10 * time.Second):
				s.cmd.Process.Kill()
				<-s.exit
				t.Errorf("echo server did not exit within 10s of SIGINT; log:\n%s", s.log())
			}
		}
		if s.count("DATA RACE") > 0 || s.count("panic") > 0 {
			t.Errorf("echo server log reports a race or a panic:\n%s", s.log())
		}
	})
	line := s.waitLog(t, "listening on", 10*time.Second)
	s.addr = listeningRE.FindStringSubmatch(line)[1]
	return s
}

// log returns everything the server logged so far.
func (s *server) log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.lines, "\n")
}

// count returns how many logged lines contain substr.
func (s *server) count(substr string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, l := range s.lines {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

// waitLogMatch waits until a logged line satisfies match, and returns it.
func (s *server) waitLogMatch(t *testing.T, what string, match func(string) bool, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for i := 0; ; {
		s.mu.Lock()
		for ; i < len(s.lines); i++ {
			if match(s.lines[i]) {
				l := s.lines[i]
				s.mu.Unlock()
				return l
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("server log has no line with %s after %v; log:\n%s", what, timeout, s.log())
		}
	}
}

func (s *server) waitLog(t *testing.T, substr string, timeout time.Duration) string {
	t.Helper()
	return s.waitLogMatch(t, fmt.Sprintf("%q", substr), func(l string) bool { return strings.Contains(l, substr) }, timeout)
}

// waitCount waits until n logged lines contain substr.
func (s *server) waitCount(t *testing.T, substr string, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for s.count(substr) < n {
		if time.Now().After(deadline) {
			t.Fatalf("server logged %d lines with %q after %v; want %d", s.count(substr), substr, timeout, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func dial(t testing.TB, addr string) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatalf("Dial(%s): %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

// roundTrip writes payload on a new connection, half-closes it, and returns
// everything read back until EOF. Writing runs concurrently with reading,
// so payloads larger than the socket buffers cannot deadlock.
func roundTrip(addr string, payload []byte, deadline time.Time) ([]byte, error) {
	c, err := net.DialTimeout("tcp", addr, time.Until(deadline))
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(deadline)
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(payload)
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		werr <- err
	}()
	got, rerr := io.ReadAll(c)
	if err := <-werr; err != nil {
		return got, fmt.Errorf("write: %w", err)
	}
	return got, rerr
}

// checkEcho reports how the echo of payload differs from it.
func checkEcho(got, payload []byte) error {
	if bytes.Equal(got, payload) {
		return nil
	}
	i := 0
	for i < len(got) && i < len(payload) && got[i] == payload[i] {
		i++
	}
	return fmt.Errorf("echoed %d bytes; want %d, first difference at byte %d", len(got), len(payload), i)
}

func TestEchoLine(t *testing.T) {
	s := startServer(t)
	c := dial(t, s.addr)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	const line = "hello, eddy\n"
	if _, err := io.WriteString(c, line); err != nil {
		t.Fatalf("Write: %v", err)
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		t.Fatalf("ReadString: %v", err)
	}
	if got != line {
		t.Errorf("echo = %q; want %q", got, line)
	}
}

// TestEchoIdleTimeout: with -idle-timeout, a client that echoes a line and
// then falls silent is disconnected (it reads EOF after its echo), and the
// server logs the timeout.
func TestEchoIdleTimeout(t *testing.T) {
	s := startServer(t, "-idle-timeout", "100ms")
	c := dial(t, s.addr)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	const line = "then silence\n"
	if _, err := io.WriteString(c, line); err != nil {
		t.Fatalf("Write: %v", err)
	}
	got, err := io.ReadAll(c)
	if err != nil || string(got) != line {
		t.Fatalf("ReadAll = %q, %v; want %q then EOF (closed by the idle timeout)", got, err, line)
	}
	s.waitLog(t, "timed out after 100ms", 10*time.Second)
}

// runClients runs n clients, at most inFlight at a time, client i sending
// payload(i); each must get exactly its bytes back and then EOF.
func runClients(t *testing.T, addr string, n, inFlight int, timeout time.Duration, payload func(i int) []byte) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	sem := make(chan struct{}, inFlight)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		if time.Now().After(deadline) {
			<-sem
			errs <- fmt.Errorf("client %d: not started before the deadline", i)
			continue
		}
		p := payload(i)
		wg.Go(func() {
			defer func() { <-sem }()
			got, err := roundTrip(addr, p, deadline)
			if err == nil {
				err = checkEcho(got, p)
			}
			if err != nil {
				errs <- fmt.Errorf("client %d (%d bytes): %w", i, len(p), err)
			}
		})
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if failed++; failed <= 10 {
			t.Error(err)
		}
	}
	if failed > 10 {
		t.Errorf("... %d clients failed in all", failed)
	}
}

func TestEchoManyClients(t *testing.T) {
	s := startServer(t)
	rng := rand.New(rand.NewPCG(1, 2))
	payloads := make([][]byte, manyClients)
	for i := range payloads {
		p := make([]byte, 1+rng.IntN(64<<10))
		for j := range p {
			p[j] = byte(rng.Uint32())
		}
		payloads[i] = p
	}
	runClients(t, s.addr, manyClients, 200, 45*time.Second, func(i int) []byte { return payloads[i] })
	if !t.Failed() {
		s.waitCount(t, "wrote ", manyClients, 10*time.Second)
	}
}

func TestEchoLargeTransfers(t *testing.T) {
	s := startServer(t)
	const size = 8 << 20
	payloads := make([][]byte, bigClients)
	for i := range payloads {
		p := make([]byte, size)
		rng := rand.New(rand.NewPCG(uint64(i), 3))
		for j := range p {
			p[j] = byte(rng.Uint32())
		}
		payloads[i] = p
	}
	runClients(t, s.addr, bigClients, bigClients, 45*time.Second, func(i int) []byte { return payloads[i] })
	if !t.Failed() {
		s.waitCount(t, fmt.Sprintf("wrote %d bytes", size), bigClients, 10*time.Second)
	}
}

func TestEchoHalfClose(t *testing.T) {
	s := startServer(t)
	c := dial(t, s.addr)
	c.SetDeadline(time.Now().Add(20 * time.Second))
	// Everything is written and the write side shut before reading a byte:
	// the server must keep echoing into a half-closed connection.
	payload := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	if _, err := c.Write(payload); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := c.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite: %v", err)
	}
	got := make([]byte, len(payload))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("ReadFull: %v", err)
	}
	if err := checkEcho(got, payload); err != nil {
		t.Error(err)
	}
	if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("Read after the echo = %d, %v; want 0, EOF", n, err)
	}
	s.waitLog(t, fmt.Sprintf("wrote %d bytes", len(payload)), 10*time.Second)
}

func TestEchoClientReset(t *testing.T) {
	s := startServer(t)
	c := dial(t, s.addr)
	local := c.LocalAddr().String()
	// Send without reading until both directions' buffers are full, so the
	// server is parked in the middle of echoing.
	c.SetWriteDeadline(time.Now().Add(500 * time.Millisecond))
	n, err := c.Write(make([]byte, 64<<20))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Write of 64 MiB without reading = %d, %v; want a timeout", n, err)
	}
	if err := c.SetLinger(0); err != nil {
		t.Fatalf("SetLinger(0): %v", err)
	}
	c.Close() // sends RST
	line := s.waitLogMatch(t, "I/O error for "+local, func(l string) bool {
		return strings.Contains(l, "I/O error") && strings.Contains(l, local)
	}, 10*time.Second)
	if !strings.Contains(line, "connection reset by peer") && !strings.Contains(line, "broken pipe") {
		t.Errorf("server logged %q; want a reset or broken pipe", line)
	}

	// The server goes on serving.
	got, err := roundTrip(s.addr, []byte("still there?\n"), time.Now().Add(10*time.Second))
	if err != nil {
		t.Fatalf("round trip after the reset: %v", err)
	}
	if string(got) != "still there?\n" {
		t.Errorf("echo after the reset = %q; want %q", got, "still there?\n")
	}
}

func TestEchoWithTools(t *testing.T) {
	s := startServer(t)
	host, port, err := net.SplitHostPort(s.addr)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
	}{
		// -t 5: after stdin's EOF, wait up to 5 s (not 0.5 s) for the
		// server's EOF; socat still exits as soon as it comes.
		{"socat", []string{"-t", "5", "-", "TCP:" + s.addr}},
		{"nc", []string{"-N", host, port}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, err := exec.LookPath(tt.name)
			if err != nil {
				t.Skipf("%s is not installed: %v", tt.name, err)
			}
			input := fmt.Sprintf("hello from %s\nsecond line\n", tt.name)
			cmd := exec.Command(path, tt.args...)
			cmd.Stdin = strings.NewReader(input)
			cmd.WaitDelay = time.Second
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			timer := time.AfterFunc(15*time.Second, func() { cmd.Process.Kill() })
			defer timer.Stop()
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s %s: %v\n%s", tt.name, strings.Join(tt.args, " "), err, stderr.Bytes())
			}
			if string(out) != input {
				t.Errorf("%s echoed %q; want %q", tt.name, out, input)
			}
		})
	}
}

func TestEchoInterrupt(t *testing.T) {
	s := startServer(t)
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatalf("Signal(SIGINT): %v", err)
	}
	select {
	case err := <-s.exit:
		if err != nil {
			t.Errorf("echo exited with %v; want status 0; log:\n%s", err, s.log())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("echo still running 5s after SIGINT; log:\n%s", s.log())
	}
	if s.count("shutting down") == 0 {
		t.Errorf("log has no %q; log:\n%s", "shutting down", s.log())
	}
	if ws, ok := s.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Errorf("echo was killed by %v; want a clean exit", ws.Signal())
	}
}
