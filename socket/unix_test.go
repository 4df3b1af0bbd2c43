package socket

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// uxEcho writes msg to s and shuts its write side while, concurrently,
// reading everything the peer sends back.
func uxEcho(t *testing.T, loop *driver.Loop, s *UnixStream, msg []byte) []byte {
	t.Helper()
	rd, wr := s.Split()
	write := combinators.AndThen(aio.WriteAll(wr, msg), func(int) future.Future[struct{}] {
		return aio.Shutdown(wr)
	})
	got, err := loopkit.Block(t, loop, combinators.Join(write, aio.ReadToEnd(rd)))
	if err != nil {
		t.Fatalf("echo: %v", err)
	}
	return got.Second
}

func TestUnixStreamNetPeer(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	path := loopkit.SocketPath(t)
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		_, err = io.Copy(c, c) // echo until EOF
		c.(*net.UnixConn).CloseWrite()
		done <- err
	}()
	s, err := loopkit.Block(t, loop, ConnectUnix(path))
	if err != nil {
		t.Fatalf("ConnectUnix(%q) = %v", path, err)
	}
	defer s.Close()
	if got, want := s.RemoteAddr().String(), path; got != want {
		t.Errorf("RemoteAddr() = %q; want %q", got, want)
	}
	msg := bytes.Repeat([]byte("eddy unix "), 100_000) // 1 MB: many EAGAINs both ways
	if got := uxEcho(t, loop, s, msg); !bytes.Equal(got, msg) {
		t.Errorf("echo through net peer: got %d bytes; want %d equal bytes", len(got), len(msg))
	}
	if err := <-done; err != nil {
		t.Errorf("net peer: %v", err)
	}
}

// connectWhenListening connects to the Unix socket a child process is
// about to listen on. The socket file appears at bind, before listen, so
// waiting for the file is not enough: it retries while the connect answers
// that there is no file (ENOENT) or no listener yet (ECONNREFUSED), at
// most 500 times and for 10 s, and then fails the test with what the
// child said.
func connectWhenListening(t *testing.T, loop *driver.Loop, path string, child func() string) *UnixStream {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for try := 1; ; try++ {
		s, err := loopkit.Block(t, loop, ConnectUnix(path))
		if err == nil {
			return s
		}
		if !errors.Is(err, syscall.ENOENT) && !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("ConnectUnix(%q) = %v", path, err)
		}
		if try == 500 || time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after %d tries: %v; %s", path, try, err, child())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestUnixStreamSocatPeer(t *testing.T) {
	socat, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat not installed; skipping the socat peer test")
	}
	loop := loopkit.CheckedLoop(t)
	path := loopkit.SocketPath(t)
	cmd := exec.Command(socat, "UNIX-LISTEN:"+path, "PIPE") // echoes one connection
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	s := connectWhenListening(t, loop, path, func() string { return "socat: " + stderr.String() })
	defer s.Close()
	msg := []byte("hello through socat\n")
	if got := uxEcho(t, loop, s, msg); !bytes.Equal(got, msg) {
		t.Errorf("echo through socat = %q; want %q", got, msg)
	}
}

func TestUnixPair(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	a, b, err := UnixPair()
	if err != nil {
		t.Fatalf("UnixPair() = %v", err)
	}
	defer a.Close()
	defer b.Close()

	rd, wr := a.Split()
	if _, err := loopkit.Block(t, loop, aio.WriteAll(wr, []byte("ping"))); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := loopkit.Block(t, loop, aio.ReadExact(b, buf)); err != nil || string(buf) != "ping" {
		t.Fatalf("ReadExact = %q, %v; want %q", buf, err, "ping")
	}
	if _, err := loopkit.Block(t, loop, aio.WriteAll(b, []byte("pong"))); err != nil {
		t.Fatal(err)
	}
	if _, err := loopkit.Block(t, loop, aio.ReadExact(rd, buf)); err != nil || string(buf) != "pong" {
		t.Fatalf("ReadExact = %q, %v; want %q", buf, err, "pong")
	}

	cred, err := a.PeerCred()
	if err != nil {
		t.Fatalf("PeerCred() = %v", err)
	}
	want := Ucred{PID: int32(os.Getpid()), UID: uint32(os.Geteuid()), GID: uint32(os.Getegid())}
	if *cred != want {
		t.Errorf("PeerCred() = %+v; want %+v", *cred, want)
	}
}

func TestUnixShutdownSides(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	a, b, err := UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	// Write side: the peer reads what was sent, then EOF; a's read side
	// still works.
	if _, err := loopkit.Block(t, loop, aio.WriteAll(a, []byte("last words"))); err != nil {
		t.Fatal(err)
	}
	if err := a.Shutdown(ShutdownWrite); err != nil {
		t.Fatalf("Shutdown(ShutdownWrite) = %v", err)
	}
	if got, err := loopkit.Block(t, loop, aio.ReadToEnd(b)); err != nil || string(got) != "last words" {
		t.Errorf("peer ReadToEnd = %q, %v; want %q, nil", got, err, "last words")
	}
	_, err = loopkit.Block(t, loop, aio.WriteAll(a, []byte("x")))
	if !errors.Is(err, syscall.EPIPE) {
		t.Errorf("write after Shutdown(ShutdownWrite) = %v; want EPIPE", err)
	}
	if _, err := loopkit.Block(t, loop, aio.WriteAll(b, []byte("reply"))); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := loopkit.Block(t, loop, aio.ReadExact(a, buf)); err != nil || string(buf) != "reply" {
		t.Errorf("ReadExact after Shutdown(ShutdownWrite) = %q, %v; want %q", buf, err, "reply")
	}

	// Read side: reads answer EOF at once.
	if err := a.Shutdown(ShutdownRead); err != nil {
		t.Fatalf("Shutdown(ShutdownRead) = %v", err)
	}
	if got, err := loopkit.Block(t, loop, aio.ReadToEnd(a)); err != nil || len(got) != 0 {
		t.Errorf("ReadToEnd after Shutdown(ShutdownRead) = %q, %v; want empty, nil", got, err)
	}
	if err := a.Shutdown(ShutdownHow(42)); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Shutdown(42) = %v; want EINVAL", err)
	}
}

func TestUnixUseAfterClose(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	a, b, err := UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := a.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := a.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close() = %v; want net.ErrClosed", err)
	}
	_, err = loopkit.Block(t, loop, aio.ReadExact(a, make([]byte, 1)))
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "read" || oe.Net != "unix" || !errors.Is(err, net.ErrClosed) {
		t.Errorf("read after Close = %#v; want *net.OpError{Op: read, Net: unix} wrapping net.ErrClosed", err)
	}
	if err := a.Shutdown(ShutdownWrite); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Shutdown after Close = %v; want net.ErrClosed", err)
	}
	if _, err := a.PeerCred(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("PeerCred after Close = %v; want net.ErrClosed", err)
	}
	// The peer sees EOF.
	if got, err := loopkit.Block(t, loop, aio.ReadToEnd(b)); err != nil || len(got) != 0 {
		t.Errorf("peer ReadToEnd = %q, %v; want empty, nil", got, err)
	}
}

func TestUnixCloseWakesReader(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	a, b, err := UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	time.AfterFunc(20*time.Millisecond, func() { a.Close() }) // from another goroutine
	_, err = loopkit.Block(t, loop, aio.ReadExact(a, make([]byte, 1)))
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("parked read after Close = %v; want net.ErrClosed", err)
	}
}

func TestConnectUnixErrors(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	dir := filepath.Dir(loopkit.SocketPath(t))
	tests := []struct {
		name, path string
		want       error  // errors.Is target, or nil
		text       string // substring of the message
	}{
		{"missing file", filepath.Join(dir, "nope"), syscall.ENOENT, "dial unix"},
		{"not a socket", dir, syscall.ECONNREFUSED, "dial unix"},
		{"empty path", "", nil, "empty Unix socket path"},
		{"too long", "/tmp/" + strings.Repeat("x", 200), nil, "at most"},
	}
	if runtime.GOOS == "linux" {
		tests = append(tests, struct {
			name, path string
			want       error
			text       string
		}{"abstract, no listener", "@eddy-nobody-listens-here", syscall.ECONNREFUSED, "dial unix"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := loopkit.Block(t, loop, ConnectUnix(tt.path))
			if err == nil {
				s.Close()
				t.Fatalf("ConnectUnix(%q) = nil error", tt.path)
			}
			var oe *net.OpError
			if !errors.As(err, &oe) || oe.Op != "dial" {
				t.Errorf("ConnectUnix(%q) = %#v; want a *net.OpError with Op dial", tt.path, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("ConnectUnix(%q) = %v; want errors.Is %v", tt.path, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("ConnectUnix(%q) = %q; want it to contain %q", tt.path, err, tt.text)
			}
		})
	}
}

func TestConnectUnixIsLazy(t *testing.T) {
	loopkit.NoLeaks(t)
	path := loopkit.SocketPath(t)
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f := ConnectUnix(path)
	_ = f
	ln.(*net.UnixListener).SetDeadline(time.Now().Add(50 * time.Millisecond))
	if c, err := ln.Accept(); err == nil {
		c.Close()
		t.Fatal("ConnectUnix connected before it was polled")
	}
}

func TestConnectUnixOutsideDriver(t *testing.T) {
	a, b, err := UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	p := a.PollRead(future.NewContext(future.WakerFunc(func() {}), nil), make([]byte, 1))
	if !errors.Is(p.Err(), future.ErrNoDriver) {
		t.Errorf("PollRead outside a driver = %v; want the no-driver error", p.Err())
	}
}

// TestUnixStreamNoAllocs guards contract 9 on Unix streams: a write and a
// read through a pair allocate nothing once registered.
func TestUnixStreamNoAllocs(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	a, b, err := UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	msg, buf := []byte("0123456789abcdef"), make([]byte, 16)
	var allocs float64
	primed := false
	_, err = loopkit.Block(t, loop, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		if !primed {
			// A new registration is not ready to read until the poller
			// reports it: one write and its read first, across a turn.
			if p := a.PollWrite(cx, msg); p.Err() != nil || p.Value() != len(msg) {
				t.Fatalf("PollWrite = %d, %v", p.Value(), p.Err())
			}
			primed = true
		}
		if p := b.PollRead(cx, buf); p.IsPending() {
			return future.Pending[struct{}]()
		} else if p.Err() != nil || p.Value() != len(msg) {
			t.Fatalf("first PollRead = %d, %v", p.Value(), p.Err())
		}
		allocs = testing.AllocsPerRun(1000, func() {
			if p := a.PollWrite(cx, msg); p.Err() != nil || p.Value() != len(msg) {
				t.Fatalf("PollWrite = %d, %v", p.Value(), p.Err())
			}
			if p := b.PollRead(cx, buf); p.Err() != nil || p.Value() != len(msg) {
				t.Fatalf("PollRead = %d, %v", p.Value(), p.Err())
			}
		})
		return future.Ok(struct{}{})
	}))
	if err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Errorf("write+read through a Unix pair: %v allocations; want 0", allocs)
	}
}
