package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/testkit/prockit"
)

func TestMain(m *testing.M) {
	code := leaktest.Check(m)
	prockit.RemoveBuilds()
	os.Exit(code)
}

// server is a running tinykv process.
type server struct {
	*prockit.Proc
	addr string
}

// startServer runs the program (built once for the package's tests) on a
// free port of 127.0.0.1 and waits until it logs its address. The process
// is interrupted when the test ends, and must exit cleanly.
func startServer(t *testing.T, flags ...string) *server {
	t.Helper()
	p := prockit.Start(t, prockit.BuildOnce(t, "."), append([]string{"-addr", "127.0.0.1:0", "-loops", "2"}, flags...)...)
	t.Cleanup(func() { p.Stop(t, syscall.SIGINT) })
	return &server{Proc: p, addr: p.Addr(t)}
}

// log is what the server has written to its standard error so far.
func (s *server) log() string { return s.Stderr() }

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatalf("Dial(%s): %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(30 * time.Second))
	return c
}

// exchange writes req on a new connection (from another goroutine, so that
// neither side can block the other) and reads until the server closes it.
func exchange(t *testing.T, addr string, req string, chunk int) string {
	t.Helper()
	c := dial(t, addr)
	werr := make(chan error, 1)
	go func() {
		var err error
		for i := 0; i < len(req) && err == nil; i += chunk {
			_, err = io.WriteString(c, req[i:min(i+chunk, len(req))])
		}
		werr <- err
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the responses: %v (read %q)", err, got)
	}
	if err := <-werr; err != nil {
		t.Fatalf("writing the requests: %v", err)
	}
	return string(got)
}

// TestRESP: commands pipelined in one write, or a byte at a time, are
// answered in order with Redis's exact replies; QUIT closes.
func TestRESP(t *testing.T) {
	s := startServer(t)
	var req []byte
	for _, args := range [][]string{
		{"SET", "k", "v"}, {"GET", "k"}, {"GET", "nope"}, {"INCR", "n"}, {"INCR", "n"}, {"INCR", "k"},
		{"MGET", "k", "nope", "n"}, {"DEL", "k", "n", "nope"}, {"SET", "k", "v", "NX"}, {"PING"}, {"PING", "hi"},
		{"get"}, {"HELLO", "3"}, {"QUIT"}, {"PING"},
	} {
		cmd := &Command{}
		for _, a := range args {
			cmd.Args = append(cmd.Args, []byte(a))
		}
		req, _ = CommandEncoder{}.Encode(req, cmd)
	}
	want := "+OK\r\n$1\r\nv\r\n$-1\r\n:1\r\n:2\r\n-ERR value is not an integer or out of range\r\n" +
		"*3\r\n$1\r\nv\r\n$-1\r\n$1\r\n2\r\n:2\r\n-ERR syntax error\r\n+PONG\r\n$2\r\nhi\r\n" +
		"-ERR wrong number of arguments for 'get' command\r\n-ERR unknown command 'HELLO'\r\n+OK\r\n"
	for _, chunk := range []int{len(req), 1, 7} {
		in := req
		if chunk != len(req) {
			in = in[:bytes.LastIndex(in, []byte("*1\r\n$4\r\nPING"))] // nothing after QUIT
		}
		if got := exchange(t, s.addr, string(in), chunk); got != want {
			t.Errorf("written %d bytes at a time, the server answered\n%q\nwant\n%q", chunk, got, want)
		}
	}
}

// TestInline: inline commands, as nc or telnet send them.
func TestInline(t *testing.T) {
	s := startServer(t)
	got := exchange(t, s.addr, "PING\r\nset greeting \"hello world\"\nGET greeting\r\n\r\nquit\r\n", 1<<20)
	if want := "+PONG\r\n+OK\r\n$11\r\nhello world\r\n+OK\r\n"; got != want {
		t.Errorf("answered %q; want %q", got, want)
	}
}

// TestProtocolError: malformed input is answered with Redis's protocol
// error, after the replies to the commands before it, and the connection
// closed.
func TestProtocolError(t *testing.T) {
	s := startServer(t)
	tests := []struct{ req, want string }{
		{"PING\r\n*1\r\n$x\r\n", "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"},
		{"*2\r\n$3\r\nGET\r\n:1\r\n", "-ERR Protocol error: expected '$'\r\n"},
		{"*1\r\n$1000000000\r\n", "-ERR Protocol error: invalid bulk length\r\n"},
		{"*100000\r\n", "-ERR Protocol error: invalid multibulk length\r\n"},
		{"SET k \"v\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n"},
	}
	for _, tt := range tests {
		if got := exchange(t, s.addr, tt.req, 1<<20); got != tt.want {
			t.Errorf("%q: answered %q; want %q", tt.req, got, tt.want)
		}
	}
}

// TestManyPipelined: ten thousand commands in one write get ten thousand
// replies, whatever the server's output buffer holds at a time.
func TestManyPipelined(t *testing.T) {
	s := startServer(t)
	const n = 10000
	req := strings.Repeat("*2\r\n$4\r\nINCR\r\n$1\r\nc\r\n", n) + "*1\r\n$4\r\nQUIT\r\n"
	got := exchange(t, s.addr, req, 64<<10)
	var want strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&want, ":%d\r\n", i)
	}
	want.WriteString("+OK\r\n")
	if got != want.String() {
		t.Errorf("answered %d bytes; want %d", len(got), want.Len())
	}
}

// TestLargeValue: a 16 MiB value set and read back.
func TestLargeValue(t *testing.T) {
	s := startServer(t)
	value := bytes.Repeat([]byte("0123456789abcdef"), 1<<20)
	cmd := &Command{Args: [][]byte{[]byte("SET"), []byte("big"), value}}
	req, _ := CommandEncoder{}.Encode(nil, cmd)
	req = append(req, "GET big\r\nQUIT\r\n"...)
	got := exchange(t, s.addr, string(req), 64<<10)
	want := "+OK\r\n$16777216\r\n" + string(value) + "\r\n+OK\r\n"
	if got != want {
		t.Errorf("answered %d bytes; want %d", len(got), len(want))
	}
}

// TestRedisCLI runs redis-cli against the server, eddy and -std.
func TestRedisCLI(t *testing.T) {
	for _, flags := range [][]string{nil, {"-std"}} {
		name := "eddy"
		if flags != nil {
			name = "std"
		}
		t.Run(name, func(t *testing.T) {
			cli, err := exec.LookPath("redis-cli")
			if err != nil {
				t.Skipf("redis-cli is not installed (Debian: redis-tools): %v", err)
			}
			s := startServer(t, flags...)
			host, port, _ := net.SplitHostPort(s.addr)
			// redis-cli prints replies raw when its output is not a terminal:
			// nil as an empty line, an error followed by an empty line.
			steps := []struct {
				args []string
				want string
			}{
				{[]string{"PING"}, "PONG\n"},
				{[]string{"SET", "greeting", "hello world"}, "OK\n"},
				{[]string{"GET", "greeting"}, "hello world\n"},
				{[]string{"GET", "missing"}, "\n"},
				{[]string{"INCR", "counter"}, "1\n"},
				{[]string{"INCR", "counter"}, "2\n"},
				{[]string{"INCR", "greeting"}, "ERR value is not an integer or out of range\n\n"},
				{[]string{"MGET", "greeting", "missing", "counter"}, "hello world\n\n2\n"},
				{[]string{"DEL", "greeting", "counter", "missing"}, "2\n"},
				{[]string{"GET", "greeting"}, "\n"},
				{[]string{"FLUSHALL"}, "ERR unknown command 'FLUSHALL'\n\n"},
			}
			for _, st := range steps {
				out := runTool(t, cli, append([]string{"-h", host, "-p", port}, st.args...)...)
				if out != st.want {
					t.Errorf("redis-cli %s: %q; want %q", strings.Join(st.args, " "), out, st.want)
				}
			}
		})
	}
}

// TestRedisBenchmark: redis-benchmark runs its ping, set and get tests to
// the end, plain and pipelined (a short run: this measures nothing).
func TestRedisBenchmark(t *testing.T) {
	rb, err := exec.LookPath("redis-benchmark")
	if err != nil {
		t.Skipf("redis-benchmark is not installed (Debian: redis-tools): %v", err)
	}
	s := startServer(t)
	host, port, _ := net.SplitHostPort(s.addr)
	for _, pipeline := range []string{"1", "16"} {
		out := runTool(t, rb, "-h", host, "-p", port, "-t", "ping,set,get", "-n", "2000", "-c", "10", "-P", pipeline, "-q")
		for _, test := range []string{"PING_INLINE", "PING_MBULK", "SET", "GET"} {
			if !regexp.MustCompile(`(^|\s)` + test + `: [0-9.]+ requests per second`).MatchString(out) {
				t.Errorf("redis-benchmark -P %s printed no %s result:\n%s", pipeline, test, out)
			}
		}
	}
}

// runTool runs a command with a generous time limit and returns its output.
func runTool(t *testing.T, path string, args ...string) string {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.WaitDelay = time.Second
	var stderr strings.Builder
	cmd.Stderr = &stderr
	timer := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", path, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestHalfClose: a client that sends its commands and then shuts its write
// side gets every reply, then the server's end of the connection; one that
// stops in the middle of a command gets the replies before it and the end,
// and the server logs no error for it.
func TestHalfClose(t *testing.T) {
	s := startServer(t)
	tests := []struct{ name, req, want string }{
		{"whole", "*1\r\n$4\r\nPING\r\nPING\r\n", "+PONG\r\n+PONG\r\n"},
		{"partial array", "PING\r\n*2\r\n$3\r\nGET\r\n$5\r\nke", "+PONG\r\n"},
		{"partial inline", "PING\r\nPIN", "+PONG\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := dial(t, s.addr)
			if _, err := io.WriteString(c, tt.req); err != nil {
				t.Fatal(err)
			}
			if err := c.(*net.TCPConn).CloseWrite(); err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(c)
			if err != nil || string(got) != tt.want {
				t.Errorf("answered %q, %v; want %q then EOF", got, err, tt.want)
			}
		})
	}
	if strings.Contains(s.log(), "connection from") {
		t.Errorf("the server logged an error:\n%s", s.log())
	}
}
