package socket_test

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
)

// checkOpError checks that err is a *net.OpError for op that wraps want.
func checkOpError(t *testing.T, err error, op string, want error) {
	t.Helper()
	var oe *net.OpError
	if !errors.As(err, &oe) {
		t.Errorf("error %v (%T) is not a *net.OpError", err, err)
	} else if oe.Op != op {
		t.Errorf("error %v has Op %q; want %q", err, oe.Op, op)
	}
	if !errors.Is(err, want) {
		t.Errorf("error %v does not wrap %v", err, want)
	}
}

func TestConnectTCPEcho(t *testing.T) {
	loop := loopkit.StartLoop(t)
	l := listen(t)
	served := make(chan error, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		_, err = io.Copy(struct{ io.Writer }{c}, struct{ io.Reader }{c}) // no splice pipes left cached
		if err == nil {
			err = c.(*net.TCPConn).CloseWrite()
		}
		served <- err
	}()

	msg := []byte(strings.Repeat("eddy echo ", 100_000)) // 1 MB: many partial reads and writes
	type result struct {
		echoed        []byte
		local, remote string
	}
	ch := loopkit.Spawn(loop, combinators.AndThen(socket.ConnectTCP(l.Addr().String()), func(s *socket.TCPStream) future.Future[result] {
		local, remote := s.LocalAddr().String(), s.RemoteAddr().String()
		r, w := s.Split()
		// Write everything in a task of its own while this one reads.
		write := combinators.AndThen(aio.WriteAll(w, msg), func(int) future.Future[struct{}] { return aio.Shutdown(w) })
		loopkit.Spawn(loop, write)
		return combinators.Map(aio.ReadToEnd(r), func(b []byte) result {
			defer s.Close()
			return result{b, local, remote}
		})
	}))
	got, err := loopkit.Await(t, ch)
	if err != nil {
		t.Fatalf("connect, write, read: %v", err)
	}
	if string(got.echoed) != string(msg) {
		t.Errorf("echoed %d bytes; want the %d sent", len(got.echoed), len(msg))
	}
	if got.remote != l.Addr().String() {
		t.Errorf("RemoteAddr() = %s; want %s", got.remote, l.Addr())
	}
	if !strings.HasPrefix(got.local, "127.0.0.1:") {
		t.Errorf("LocalAddr() = %s; want 127.0.0.1:port", got.local)
	}
	if err := <-served; err != nil {
		t.Errorf("server: %v", err)
	}
}

func TestConnectTCPRefused(t *testing.T) {
	loop := loopkit.StartLoop(t)
	addr := testkit.RefusingAddr(t)
	_, err := loopkit.Await(t, loopkit.Spawn(loop, socket.ConnectTCP(addr)))
	checkOpError(t, err, "dial", syscall.ECONNREFUSED)
	if err != nil && !strings.Contains(err.Error(), addr) {
		t.Errorf("error %q does not name %s", err, addr)
	}
}

// readOne is a future of one PollRead into a buffer of n bytes.
func readOne(s *socket.TCPStream, n int) future.Future[int] {
	buf := make([]byte, n)
	return future.PollFn(func(cx *future.Context) future.Poll[int] { return s.PollRead(cx, buf) })
}

func TestReadAfterPeerReset(t *testing.T) {
	loop := loopkit.StartLoop(t)
	s, peer := pair(t)
	peer.SetLinger(0)
	peer.Close() // RST
	_, err := loopkit.Await(t, loopkit.Spawn(loop, readOne(s, 16)))
	checkOpError(t, err, "read", syscall.ECONNRESET)
	if err != nil && !strings.Contains(err.Error(), peer.LocalAddr().String()) {
		t.Errorf("error %q does not name the peer %s", err, peer.LocalAddr())
	}
}

func TestReadAfterPeerClose(t *testing.T) {
	loop := loopkit.StartLoop(t)
	s, peer := pair(t)
	if _, err := peer.Write([]byte("bye")); err != nil {
		t.Fatal(err)
	}
	peer.Close()
	buf := make([]byte, 3)
	if _, err := loopkit.Await(t, loopkit.Spawn(loop, aio.ReadExact(s, buf))); err != nil || string(buf) != "bye" {
		t.Fatalf("ReadExact() = %q, %v; want %q, nil", buf, err, "bye")
	}
	for range 2 { // EOF, and EOF again
		n, err := loopkit.Await(t, loopkit.Spawn(loop, readOne(s, 16)))
		if n != 0 || err != io.EOF {
			t.Errorf("PollRead() at the end = %d, %v; want 0, io.EOF (unwrapped)", n, err)
		}
	}
}

func TestCloseWakesParkedReader(t *testing.T) {
	loop := loopkit.StartLoop(t)
	s, _ := pair(t)
	parked := make(chan struct{})
	buf := make([]byte, 16)
	first := true
	ch := loopkit.Spawn(loop, future.PollFn(func(cx *future.Context) future.Poll[int] {
		p := s.PollRead(cx, buf)
		if first && p.IsPending() {
			close(parked)
		}
		first = false
		return p
	}))
	select {
	case <-parked:
	case <-time.After(10 * time.Second):
		t.Fatal("the reader never parked")
	}
	if err := s.Close(); err != nil { // from another goroutine than the loop's
		t.Fatalf("Close() = %v; want nil", err)
	}
	_, err := loopkit.Await(t, ch)
	checkOpError(t, err, "read", net.ErrClosed)

	err = s.Close()
	checkOpError(t, err, "close", net.ErrClosed)
}

func TestClosedStream(t *testing.T) {
	loop := loopkit.StartLoop(t)
	s, _ := pair(t)
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	_, err := loopkit.Await(t, loopkit.Spawn(loop, readOne(s, 1)))
	checkOpError(t, err, "read", net.ErrClosed)
	_, err = loopkit.Await(t, loopkit.Spawn(loop, aio.WriteAll(s, []byte("x"))))
	checkOpError(t, err, "write", net.ErrClosed)
	_, err = loopkit.Await(t, loopkit.Spawn(loop, aio.Shutdown(s)))
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("Shutdown() = %v; want net.ErrClosed", err)
	}
	if err := s.SetNoDelay(true); !errors.Is(err, net.ErrClosed) {
		t.Errorf("SetNoDelay() = %v; want net.ErrClosed", err)
	}
}

func TestWrongLoop(t *testing.T) {
	loop1, loop2 := loopkit.StartLoop(t), loopkit.StartLoop(t)
	s, peer := pair(t)
	peer.Write([]byte("x"))
	if _, err := loopkit.Await(t, loopkit.Spawn(loop1, readOne(s, 1))); err != nil {
		t.Fatalf("read on the first loop: %v", err)
	}
	_, err := loopkit.Await(t, loopkit.Spawn(loop2, readOne(s, 1)))
	checkOpError(t, err, "read", netpoll.ErrWrongLoop)
	if err != nil && !strings.Contains(err.Error(), "loop") {
		t.Errorf("error %q does not speak of loops", err)
	}
}

func TestOutsideDriver(t *testing.T) {
	cx := future.NewContext(nil, nil) // no executor: not a driver loop
	s, _ := pair(t)
	checks := []struct {
		name string
		poll func() error
	}{
		{"PollRead", func() error { return s.PollRead(cx, make([]byte, 1)).Err() }},
		{"PollWrite", func() error { return s.PollWrite(cx, []byte("x")).Err() }},
		{"ConnectTCP", func() error { return socket.ConnectTCP(listen(t).Addr().String()).Poll(cx).Err() }},
	}
	for _, c := range checks {
		err := c.poll()
		if err == nil || !strings.Contains(err.Error(), "driver.Run") {
			t.Errorf("%s outside a driver = %v; want an error that mentions driver.Run", c.name, err)
		}
		if !errors.Is(err, future.ErrNoDriver) {
			t.Errorf("%s outside a driver = %v; want it to wrap ErrNoDriver", c.name, err)
		}
	}
}

func TestNoDelay(t *testing.T) {
	s, _ := pair(t)
	for _, want := range []bool{true, false, true} {
		if err := s.SetNoDelay(want); err != nil {
			t.Fatalf("SetNoDelay(%v) = %v", want, err)
		}
		if got, err := s.NoDelay(); got != want || err != nil {
			t.Errorf("NoDelay() after SetNoDelay(%v) = %v, %v; want %v, nil", want, got, err, want)
		}
	}
}

func TestCloseWriteSendsFIN(t *testing.T) {
	s, peer := pair(t)
	if err := s.CloseWrite(); err != nil {
		t.Fatalf("CloseWrite() = %v", err)
	}
	peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := peer.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("peer Read() after CloseWrite = %d, %v; want 0, EOF", n, err)
	}
}

// TestConnectTCPAddrsAfterClose checks that a connected stream still names
// its peer once the connection is over, as a *net.TCPConn does.
func TestConnectTCPAddrsAfterClose(t *testing.T) {
	loop := loopkit.StartLoop(t)
	l := listen(t)
	go func() {
		if c, err := l.Accept(); err == nil {
			c.Read(make([]byte, 1)) // reset only once connected for sure
			c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
	s, err := loopkit.Await(t, loopkit.Spawn(loop, socket.ConnectTCP(l.Addr().String())))
	if err != nil {
		t.Fatalf("ConnectTCP: %v", err)
	}
	defer s.Close()
	if _, err := loopkit.Await(t, loopkit.Spawn(loop, aio.WriteAll(s, []byte("x")))); err != nil {
		t.Fatalf("write: %v", err)
	}
	loopkit.Await(t, loopkit.Spawn(loop, readOne(s, 1))) // the reset
	if got := s.RemoteAddr(); got == nil || got.String() != l.Addr().String() {
		t.Errorf("RemoteAddr() after the peer reset = %v; want %s", got, l.Addr())
	}
}

// listen returns a net.Listener on a free port of 127.0.0.1, closed when
// the test ends.
func listen(t testing.TB) *net.TCPListener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l.(*net.TCPListener)
}

// pair returns a connected eddy stream (not yet registered with any loop)
// and its peer, a net.TCPConn. Both are closed when the test ends.
func pair(t testing.TB) (*socket.TCPStream, *net.TCPConn) {
	t.Helper()
	l := listen(t)
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	peer, err := l.AcceptTCP()
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	t.Cleanup(func() { peer.Close() })
	// Take the client's descriptor over: dup it, then close the net.Conn.
	raw, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fd int
	var dupErr error
	raw.Control(func(s uintptr) { fd, dupErr = syscall.Dup(int(s)) })
	c.Close()
	if dupErr != nil {
		t.Fatalf("dup: %v", dupErr)
	}
	syscall.CloseOnExec(fd)
	s, err := socket.NewTCPStream(fd)
	if err != nil {
		syscall.Close(fd)
		t.Fatalf("NewTCPStream: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, peer
}

// TestConnectTCPAddrInvalidIP: an IP that is neither 4 nor 16 bytes long
// is an error, as in package net; it used to connect to the unspecified
// address, which is this host.
func TestConnectTCPAddrInvalidIP(t *testing.T) {
	loop := loopkit.StartLoop(t)
	l := listen(t)
	port := l.Addr().(*net.TCPAddr).Port
	s, err := loopkit.Await(t, loopkit.Spawn(loop, socket.ConnectTCPAddr(&net.TCPAddr{IP: net.IP{127, 0, 1}, Port: port})))
	if err == nil {
		t.Fatalf("ConnectTCPAddr(3-byte IP) connected to %v; want an error", s.RemoteAddr())
		s.Close()
	}
	var ae *net.AddrError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "invalid IP address") {
		t.Errorf("ConnectTCPAddr(3-byte IP) = %v; want a *net.AddrError saying invalid IP address", err)
	}
}
