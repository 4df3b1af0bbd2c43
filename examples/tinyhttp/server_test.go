package main

import (
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

// server is a running tinyhttp process.
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

var dateRE = regexp.MustCompile(`(?m)^Date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r$`)

// undate replaces every well-formed Date value with "X".
func undate(s string) string { return dateRE.ReplaceAllString(s, "Date: X\r") }

const (
	plaintextReq = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\n\r\n"
	jsonReq      = "GET /json HTTP/1.1\r\nHost: localhost\r\n\r\n"
	closeReq     = "GET /plaintext HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

	plaintextResp = "HTTP/1.1 200 OK\r\nServer: eddy\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!"
	jsonResp      = "HTTP/1.1 200 OK\r\nServer: eddy\r\nDate: X\r\nContent-Type: application/json\r\nContent-Length: 27\r\n\r\n{\"message\":\"Hello, World!\"}"
	closeResp     = "HTTP/1.1 200 OK\r\nServer: eddy\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, World!"
	notFoundResp  = "HTTP/1.1 404 Not Found\r\nServer: eddy\r\nDate: X\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 19\r\n\r\n404 page not found\n"
)

// TestPipelined: requests sent in one write, or a byte at a time, are
// answered in order on one connection, which closes after the request that
// asks for it.
func TestPipelined(t *testing.T) {
	s := startServer(t)
	req := plaintextReq + jsonReq + "GET /nothing/here HTTP/1.1\r\n\r\n" +
		"POST /json HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello" + closeReq
	want := plaintextResp + jsonResp + notFoundResp + jsonResp + closeResp
	for _, chunk := range []int{len(req), 1, 13} {
		in := req
		if chunk == len(req) {
			in += plaintextReq // in the same segment, after the close: never answered
		}
		if got := undate(exchange(t, s.addr, in, chunk)); got != want {
			t.Errorf("written %d bytes at a time, the server answered\n%q\nwant\n%q", chunk, got, want)
		}
	}
}

// TestManyPipelined: a thousand requests in one write get a thousand
// answers, whatever the server's output buffer holds at a time.
func TestManyPipelined(t *testing.T) {
	s := startServer(t)
	const n = 1000
	got := undate(exchange(t, s.addr, strings.Repeat(jsonReq, n-1)+closeReq, 64<<10))
	if want := strings.Repeat(jsonResp, n-1) + closeResp; got != want {
		t.Errorf("answered %d bytes (%d responses); want %d bytes", len(got), strings.Count(got, "HTTP/1.1"), len(want))
	}
}

// TestKeepAliveRules: HTTP/1.0 closes unless asked to keep alive; HEAD
// gets the headers alone.
func TestKeepAliveRules(t *testing.T) {
	s := startServer(t)
	got := undate(exchange(t, s.addr, "GET /plaintext HTTP/1.0\r\n\r\n"+plaintextReq, 1<<20))
	if want := closeResp; got != want {
		t.Errorf("HTTP/1.0: %q; want %q", got, want)
	}
	got = undate(exchange(t, s.addr, "HEAD /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"+
		"GET /plaintext HTTP/1.0\r\n\r\n", 1<<20))
	want := "HTTP/1.1 200 OK\r\nServer: eddy\r\nDate: X\r\nContent-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\n" + closeResp
	if got != want {
		t.Errorf("HTTP/1.0 keep-alive: %q; want %q", got, want)
	}
}

// TestRefused: a chunked body and an oversize head are answered 400 and
// 431 and the connection closed, after the answers to the requests before.
func TestRefused(t *testing.T) {
	s := startServer(t)
	tests := []struct {
		name, req, want string
	}{
		{"chunked", plaintextReq + "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
			plaintextResp + "HTTP/1.1 400 Bad Request\r\nServer: eddy\r\nDate: X\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 60\r\nConnection: close\r\n\r\nTransfer-Encoding request bodies (chunked) are not accepted\n"},
		{"oversize head", "GET / HTTP/1.1\r\nX-Big: " + strings.Repeat("b", MaxHeaderBytes) + "\r\n\r\n",
			"HTTP/1.1 431 Request Header Fields Too Large\r\nServer: eddy\r\nDate: X\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 31\r\nConnection: close\r\n\r\nrequest head longer than 8 KiB\n"},
		{"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
			"HTTP/1.1 400 Bad Request\r\nServer: eddy\r\nDate: X\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 23\r\nConnection: close\r\n\r\nmalformed request line\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := undate(exchange(t, s.addr, tt.req, 1<<20)); got != tt.want {
				t.Errorf("answered\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// TestCurl fetches both routes with curl in one invocation: the second
// transfer reuses the first one's connection (num_connects 0).
func TestCurl(t *testing.T) {
	for _, flags := range [][]string{nil, {"-std"}} {
		name := "eddy"
		if flags != nil {
			name = "std"
		}
		t.Run(name, func(t *testing.T) {
			curl, err := exec.LookPath("curl")
			if err != nil {
				t.Skipf("curl is not installed: %v", err)
			}
			s := startServer(t, flags...)
			base := "http://" + s.addr
			out := runTool(t, curl, "-s", "-i", "-w", "\n[%{http_code} %{num_connects}]\n", base+"/plaintext", base+"/json", base+"/nope")
			parts := strings.Split(out, "\n[")
			if len(parts) != 4 {
				t.Fatalf("curl printed %q; want three transfers", out)
			}
			checks := []struct {
				head, body, stats string
			}{
				{"Content-Type: text/plain", "Hello, World!", "200 1]"},
				{"Content-Type: application/json", `{"message":"Hello, World!"}`, "200 0]"},
				{"", "404 page not found\n", "404 0]"},
			}
			for i, c := range checks {
				part := parts[i]
				if i > 0 {
					_, part, _ = strings.Cut(part, "\n") // the stats line of the one before
				}
				head, body, _ := strings.Cut(part, "\r\n\r\n")
				head += "\r\n"
				if body != c.body || !strings.Contains(head, c.head+"\r\n") || !strings.HasPrefix(parts[i+1], c.stats) ||
					!dateRE.MatchString(head) || !strings.Contains(head, fmt.Sprintf("Content-Length: %d\r\n", len(c.body))) {
					t.Errorf("transfer %d: head %q, body %q, stats %q; want %q in the head, a Date, body %q, stats %q",
						i, head, body, parts[i+1], c.head, c.body, c.stats)
				}
			}
		})
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

// TestHalfClose: a client that sends its requests and then shuts its write
// side gets every answer, then the server's end of the connection; one
// that stops in the middle of a request gets the answers before it and the
// end, and the server logs no error for it.
func TestHalfClose(t *testing.T) {
	s := startServer(t)
	tests := []struct{ name, req, want string }{
		{"whole", plaintextReq + jsonReq, plaintextResp + jsonResp},
		{"partial", plaintextReq + "GET /json HTTP/1.1\r\nHo", plaintextResp},
		{"partial body", "POST /json HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", ""},
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
			if err != nil || undate(string(got)) != tt.want {
				t.Errorf("answered %q, %v; want %q then EOF", got, err, tt.want)
			}
		})
	}
	if strings.Contains(s.log(), "connection from") {
		t.Errorf("the server logged an error:\n%s", s.log())
	}
}
