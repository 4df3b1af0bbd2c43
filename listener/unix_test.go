package listener

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
)

// uxEchoServer serves n connections of l, echoing each until EOF.
func uxEchoServer(l *UnixListener, n int) future.Future[struct{}] {
	return combinators.ForEach(combinators.Take(l.Incoming(), n), func(c *socket.UnixStream) future.Future[struct{}] {
		r, w := c.Split()
		return combinators.Then(uxCopy(r, w), func(int64, error) { c.Close() })
	})
}

// uxCopy copies r to w until EOF, then shuts w down.
func uxCopy(r aio.AsyncReader, w aio.AsyncWriter) future.Future[int64] {
	return combinators.AndThen(iocopy.Copy(r, w), func(n int64) future.Future[int64] {
		return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
	})
}

func TestUnixListenerNetClient(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	path := loopkit.SocketPath(t)
	l, err := BindUnix(path)
	if err != nil {
		t.Fatalf("BindUnix(%q) = %v", path, err)
	}
	defer l.Close()
	if got := l.Addr().String(); got != path {
		t.Errorf("Addr() = %q; want %q", got, path)
	}
	const clients = 5
	msg := bytes.Repeat([]byte("0123456789"), 50_000) // 500 kB each
	errs := make(chan error, clients)
	for range clients {
		go func() {
			c, err := net.Dial("unix", path)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			go func() { c.Write(msg); c.(*net.UnixConn).CloseWrite() }()
			got, err := io.ReadAll(c)
			if err == nil && !bytes.Equal(got, msg) {
				err = errors.New("echo differs")
			}
			errs <- err
		}()
	}
	if _, err := loopkit.Block(t, loop, uxEchoServer(l, clients)); err != nil {
		t.Fatalf("server: %v", err)
	}
	for range clients {
		if err := <-errs; err != nil {
			t.Errorf("net client: %v", err)
		}
	}
}

func TestUnixListenerSocatClient(t *testing.T) {
	socat, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat not installed; skipping the socat peer test")
	}
	loop := loopkit.CheckedLoop(t)
	path := loopkit.SocketPath(t)
	l, err := BindUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cmd := exec.Command(socat, "-", "UNIX-CONNECT:"+path)
	cmd.Stdin = strings.NewReader("hello from socat\n")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := loopkit.Block(t, loop, uxEchoServer(l, 1)); err != nil {
		t.Fatalf("server: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("socat: %v: %s", err, stderr.String())
	}
	if got, want := out.String(), "hello from socat\n"; got != want {
		t.Errorf("socat read back %q; want %q", got, want)
	}
}

func TestUnixListenerRemovesItsFile(t *testing.T) {
	loopkit.NoLeaks(t)
	path := loopkit.SocketPath(t)
	l, err := BindUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSocket == 0 {
		t.Fatalf("Lstat(%q) = %v, %v; want a socket", path, fi, err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Close, Lstat(%q) = %v; want not exist", path, err)
	}
	if err := l.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close() = %v; want net.ErrClosed", err)
	}
	// The path is free again.
	l2, err := BindUnix(path)
	if err != nil {
		t.Fatalf("BindUnix after Close = %v", err)
	}
	l2.Close()
}

func TestUnixListenerLeavesForeignFile(t *testing.T) {
	loopkit.NoLeaks(t)
	path := loopkit.SocketPath(t)
	l, err := BindUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	// Someone replaces the socket file with one of their own.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("not yours"), 0o600); err != nil {
		t.Fatal(err)
	}
	err = l.Close()
	if !errors.Is(err, ErrNotOurFile) || !strings.Contains(err.Error(), path) {
		t.Errorf("Close() = %v; want an error naming %s and wrapping ErrNotOurFile", err, path)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "not yours" {
		t.Errorf("foreign file after Close = %q, %v; want it untouched", b, err)
	}

	// A file removed under the listener is reported too, and nothing breaks.
	path2 := loopkit.SocketPath(t)
	l2, err := BindUnix(path2)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path2)
	if err := l2.Close(); !errors.Is(err, ErrNotOurFile) {
		t.Errorf("Close() with the file gone = %v; want ErrNotOurFile", err)
	}
}

func TestUnixListenerAbstract(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("abstract Unix socket names exist only on Linux")
	}
	loop := loopkit.CheckedLoop(t)
	name := "@eddy-test-" + itoaPID()
	l, err := BindUnix(name)
	if err != nil {
		t.Fatalf("BindUnix(%q) = %v", name, err)
	}
	defer l.Close()
	go func() {
		c, err := net.Dial("unix", name) // package net spells abstract names the same way
		if err != nil {
			return
		}
		c.Write([]byte("abstract"))
		c.(*net.UnixConn).CloseWrite()
		io.Copy(io.Discard, c)
		c.Close()
	}()
	s, err := loopkit.Block(t, loop, l.Accept())
	if err != nil {
		t.Fatalf("Accept() = %v", err)
	}
	defer s.Close()
	if got := s.LocalAddr().String(); got != name {
		t.Errorf("LocalAddr() = %q; want %q", got, name)
	}
	got, err := loopkit.Block(t, loop, aio.ReadToEnd(s))
	if err != nil || string(got) != "abstract" {
		t.Errorf("ReadToEnd = %q, %v; want %q", got, err, "abstract")
	}
	cred, err := s.PeerCred()
	if err != nil || cred.PID != int32(os.Getpid()) || cred.UID != uint32(os.Geteuid()) {
		t.Errorf("PeerCred() = %+v, %v; want this process", cred, err)
	}
}

func itoaPID() string {
	return strconv.Itoa(os.Getpid()) + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
}

func TestBindUnixErrors(t *testing.T) {
	loopkit.NoLeaks(t)
	existing := loopkit.SocketPath(t)
	if err := os.WriteFile(existing, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path string
		want       error
		text       string
	}{
		{"path exists", existing, syscall.EADDRINUSE, "listen unix"},
		{"no such directory", filepath.Join(existing+".d", "s"), syscall.ENOENT, "listen unix"},
		{"empty path", "", nil, "empty Unix socket path"},
		{"too long", "/tmp/" + strings.Repeat("x", 200), nil, "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := BindUnix(tt.path)
			if err == nil {
				l.Close()
				t.Fatalf("BindUnix(%q) = nil error", tt.path)
			}
			var oe *net.OpError
			if !errors.As(err, &oe) || oe.Op != "listen" || oe.Net != "unix" {
				t.Errorf("BindUnix(%q) = %#v; want *net.OpError{Op: listen, Net: unix}", tt.path, err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("BindUnix(%q) = %v; want errors.Is %v", tt.path, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("BindUnix(%q) = %q; want it to contain %q", tt.path, err, tt.text)
			}
		})
	}
	if b, err := os.ReadFile(existing); err != nil || len(b) != 0 {
		t.Errorf("existing file after failed bind: %q, %v; want it untouched", b, err)
	}
}

func TestUnixListenerClosedByLoop(t *testing.T) {
	loopkit.NoLeaks(t)
	path := loopkit.SocketPath(t)
	l, err := BindUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	loop, err := driver.New(driver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	// A task parked in Accept when the loop shuts down.
	loop.Spawn(combinators.Discard(l.Accept()))
	if _, err := driver.BlockOn(loop, future.Yield()); err != nil {
		t.Fatal(err)
	}
	loop.Close()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after loop Close, Lstat(%q) = %v; want the socket file removed", path, err)
	}
	if err := l.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Close after the loop closed it = %v; want net.ErrClosed", err)
	}
}

// TestBindUnixNULPath: a path with a NUL byte is refused before bind. It
// used to bind the path up to the NUL, fail on the lstat that records the
// socket file, and leave that file behind.
func TestBindUnixNULPath(t *testing.T) {
	dir := t.TempDir()
	l, err := BindUnix(filepath.Join(dir, "sock\x00tail"))
	if err == nil {
		l.Close()
		t.Fatalf("BindUnix(path with NUL) = nil error; want one")
	}
	if !strings.Contains(err.Error(), "NUL") {
		t.Errorf("BindUnix(path with NUL) = %v; want it to say NUL", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) > 0 {
		t.Errorf("BindUnix(path with NUL) left %s behind", ents[0].Name())
	}
}
