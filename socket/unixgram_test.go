package socket

import (
	"bytes"
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

func TestUnixDatagramBoundAndUnbound(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	dir := filepath.Dir(loopkit.SocketPath(t))
	srvPath, cliPath := filepath.Join(dir, "srv"), filepath.Join(dir, "cli")
	srv, err := BindUnixDatagram(srvPath)
	if err != nil {
		t.Fatalf("BindUnixDatagram(%q) = %v", srvPath, err)
	}
	defer srv.Close()
	cli, err := BindUnixDatagram(cliPath)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	anon, err := UnboundUnixDatagram()
	if err != nil {
		t.Fatalf("UnboundUnixDatagram() = %v", err)
	}
	defer anon.Close()

	buf := make([]byte, 64)
	if _, err := loopkit.Block(t, loop, cli.SendTo([]byte("from cli"), srvPath)); err != nil {
		t.Fatalf("SendTo = %v", err)
	}
	m, err := loopkit.Block(t, loop, srv.RecvFrom(buf))
	if err != nil || string(m.Data) != "from cli" || m.Addr != cliPath {
		t.Fatalf("RecvFrom = %q from %q, %v; want %q from %q", m.Data, m.Addr, err, "from cli", cliPath)
	}
	// Answer the sender at its address.
	if _, err := loopkit.Block(t, loop, srv.SendTo([]byte("reply"), m.Addr)); err != nil {
		t.Fatal(err)
	}
	if m, err := loopkit.Block(t, loop, cli.RecvFrom(buf)); err != nil || string(m.Data) != "reply" || m.Addr != srvPath {
		t.Errorf("RecvFrom = %q from %q, %v; want %q from %q", m.Data, m.Addr, err, "reply", srvPath)
	}
	// An unbound sender has no address.
	if _, err := loopkit.Block(t, loop, anon.SendTo([]byte("anonymous"), srvPath)); err != nil {
		t.Fatal(err)
	}
	if m, err := loopkit.Block(t, loop, srv.RecvFrom(buf)); err != nil || string(m.Data) != "anonymous" || m.Addr != "" {
		t.Errorf("RecvFrom = %q from %q, %v; want %q from \"\"", m.Data, m.Addr, err, "anonymous")
	}

	// Connect, then Send and Recv.
	if err := anon.Connect(srvPath); err != nil {
		t.Fatalf("Connect(%q) = %v", srvPath, err)
	}
	if _, err := loopkit.Block(t, loop, anon.Send([]byte("connected"))); err != nil {
		t.Fatal(err)
	}
	if n, err := loopkit.Block(t, loop, srv.Recv(buf)); err != nil || string(buf[:n]) != "connected" {
		t.Errorf("Recv = %q, %v; want %q", buf[:n], err, "connected")
	}

	// Truncation is reported.
	big := bytes.Repeat([]byte("z"), 1000)
	if _, err := loopkit.Block(t, loop, cli.SendTo(big, srvPath)); err != nil {
		t.Fatal(err)
	}
	_, err = loopkit.Block(t, loop, srv.RecvFrom(make([]byte, 10)))
	var te *TruncatedError
	if !errors.As(err, &te) || !errors.Is(err, ErrTruncated) {
		t.Fatalf("RecvFrom(10-byte buffer) = %v; want ErrTruncated", err)
	}
	if runtime.GOOS == "linux" && te.Len != 1000 {
		t.Errorf("TruncatedError.Len = %d; want 1000", te.Len)
	}

	// Close removes the files the sockets created.
	for _, c := range []struct {
		u    *UnixDatagram
		path string
	}{{srv, srvPath}, {cli, cliPath}} {
		if err := c.u.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
		if _, err := os.Lstat(c.path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after Close, Lstat(%q) = %v; want not exist", c.path, err)
		}
	}
}

func TestUnixDatagramNetPeer(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	dir := filepath.Dir(loopkit.SocketPath(t))
	peerPath, ourPath := filepath.Join(dir, "net"), filepath.Join(dir, "eddy")
	peer, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: peerPath, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	u, err := BindUnixDatagram(ourPath)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if _, err := loopkit.Block(t, loop, u.SendTo([]byte("to net"), peerPath)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, from, err := peer.ReadFromUnix(buf)
	if err != nil || string(buf[:n]) != "to net" || from.Name != ourPath {
		t.Fatalf("net ReadFromUnix = %q from %v, %v; want %q from %s", buf[:n], from, err, "to net", ourPath)
	}
	if _, err := peer.WriteToUnix([]byte("from net"), from); err != nil {
		t.Fatal(err)
	}
	if m, err := loopkit.Block(t, loop, u.RecvFrom(buf)); err != nil || string(m.Data) != "from net" || m.Addr != peerPath {
		t.Errorf("RecvFrom = %q from %q, %v; want %q from %q", m.Data, m.Addr, err, "from net", peerPath)
	}
}

func TestUnixDatagramPair(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	a, b, err := UnixDatagramPair()
	if err != nil {
		t.Fatalf("UnixDatagramPair() = %v", err)
	}
	defer a.Close()
	defer b.Close()
	for _, msg := range []string{"one", "", "three"} {
		if _, err := loopkit.Block(t, loop, a.Send([]byte(msg))); err != nil {
			t.Fatal(err)
		}
	}
	buf := make([]byte, 16)
	for _, want := range []string{"one", "", "three"} { // boundaries kept
		if n, err := loopkit.Block(t, loop, b.Recv(buf)); err != nil || string(buf[:n]) != want {
			t.Errorf("Recv = %q, %v; want %q", buf[:n], err, want)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := loopkit.Block(t, loop, a.Send([]byte("x"))); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Send after Close = %v; want net.ErrClosed", err)
	}
	if _, err := loopkit.Block(t, loop, b.Send([]byte("x"))); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Send to a closed peer = %v; want ECONNREFUSED", err)
	}
}

func TestUnixDatagramErrors(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	path := loopkit.SocketPath(t)
	u, err := BindUnixDatagram(path)
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	if v, err := BindUnixDatagram(path); !errors.Is(err, syscall.EADDRINUSE) {
		if v != nil {
			v.Close()
		}
		t.Errorf("BindUnixDatagram(%q) twice = %v; want EADDRINUSE", path, err)
	}
	if _, err := BindUnixDatagram(""); err == nil || !strings.Contains(err.Error(), "empty Unix socket path") {
		t.Errorf("BindUnixDatagram(\"\") = %v; want a clear error", err)
	}
	missing := filepath.Join(filepath.Dir(path), "nobody")
	_, err = loopkit.Block(t, loop, u.SendTo([]byte("x"), missing))
	var oe *net.OpError
	if !errors.Is(err, syscall.ENOENT) || !errors.As(err, &oe) || oe.Addr.String() != missing {
		t.Errorf("SendTo(%q) = %v; want a *net.OpError naming it, wrapping ENOENT", missing, err)
	}
	if err := u.Connect(missing); !errors.Is(err, syscall.ENOENT) {
		t.Errorf("Connect(%q) = %v; want ENOENT", missing, err)
	}
	// A replaced file is left alone at Close.
	os.Remove(path)
	os.WriteFile(path, []byte("mine"), 0o600)
	if err := u.Close(); !errors.Is(err, ErrNotOurFile) {
		t.Errorf("Close() = %v; want ErrNotOurFile", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "mine" {
		t.Errorf("replaced file = %q after Close; want it untouched", b)
	}
}
