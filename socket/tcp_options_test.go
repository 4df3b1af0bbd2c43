package socket_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netns"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// peer is a connection of package net on the other end of an eddy stream.
type peer struct {
	stream *socket.TCPStream
	conn   net.Conn
}

// connectPair connects an eddy TCPStream to a net listener on the given
// loopback address and returns both ends; both are closed at cleanup.
func connectPair(t *testing.T, loop *driver.Loop, network, addr string) peer {
	t.Helper()
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Skipf("net.Listen(%q, %q): %v", network, addr, err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	s, err := driver.BlockOn(loop, socket.ConnectTCP(ln.Addr().String()))
	if err != nil {
		t.Fatalf("ConnectTCP(%v) = %v", ln.Addr(), err)
	}
	c := <-accepted
	if c == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { s.Close(); c.Close() })
	return peer{stream: s, conn: c}
}

func TestTCPOptionsReadBack(t *testing.T) {
	loop := loopkit.NewLoop(t)
	p := connectPair(t, loop, "tcp", "127.0.0.1:0")
	s := p.stream

	check := func(name string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	check("SetNoDelay", s.SetNoDelay(false))
	if v, err := s.NoDelay(); err != nil || v {
		t.Errorf("NoDelay() = %v, %v; want false, nil", v, err)
	}
	check("SetKeepAlivePeriod", s.SetKeepAlivePeriod(1500*time.Millisecond))
	if v, err := s.KeepAlive(); err != nil || !v {
		t.Errorf("KeepAlive() = %v, %v; want true, nil", v, err)
	}
	if d, err := s.KeepAlivePeriod(); err != nil || d != 2*time.Second {
		t.Errorf("KeepAlivePeriod() = %v, %v; want 2s (rounded up), nil", d, err)
	}
	check("SetKeepAlive", s.SetKeepAlive(false))
	if v, _ := s.KeepAlive(); v {
		t.Errorf("KeepAlive() after SetKeepAlive(false) = true")
	}
	for _, sec := range []int{-1, 0, 7} {
		check("SetLinger", s.SetLinger(sec))
		if got, err := s.Linger(); err != nil || got != sec {
			t.Errorf("Linger() after SetLinger(%d) = %d, %v", sec, got, err)
		}
	}
	check("SetReadBuffer", s.SetReadBuffer(64<<10))
	if got, err := s.ReadBuffer(); err != nil || got < 64<<10 {
		t.Errorf("ReadBuffer() = %d, %v; want >= %d", got, err, 64<<10)
	}
	check("SetWriteBuffer", s.SetWriteBuffer(128<<10))
	if got, err := s.WriteBuffer(); err != nil || got < 128<<10 {
		t.Errorf("WriteBuffer() = %d, %v; want >= %d", got, err, 128<<10)
	}
	check("SetTTL", s.SetTTL(42))
	if got, err := s.TTL(); err != nil || got != 42 {
		t.Errorf("TTL() = %d, %v; want 42", got, err)
	}
	if err := s.SetKeepAlivePeriod(0); err == nil {
		t.Errorf("SetKeepAlivePeriod(0) = nil; want an error")
	}
	s.Close()
	var op *net.OpError
	if err := s.SetNoDelay(true); !errors.Is(err, net.ErrClosed) || !errors.As(err, &op) {
		t.Errorf("SetNoDelay after Close = %v; want *net.OpError wrapping net.ErrClosed", err)
	}
}

func TestTCPIPv6(t *testing.T) {
	loop := loopkit.NewLoop(t)
	p := connectPair(t, loop, "tcp6", "[::1]:0")
	if got := p.stream.RemoteAddr().(*net.TCPAddr).IP; !got.Equal(net.IPv6loopback) {
		t.Fatalf("RemoteAddr = %v; want ::1", got)
	}
	if err := p.stream.SetTTL(17); err != nil {
		t.Fatal(err)
	}
	if got, err := p.stream.TTL(); err != nil || got != 17 {
		t.Errorf("TTL() on IPv6 = %d, %v; want 17", got, err)
	}
	msg := []byte("over ::1")
	if _, err := p.conn.Write(msg); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(msg))
	n, err := driver.BlockOn(loop, aio.ReadExact(p.stream, buf))
	if err != nil || !bytes.Equal(buf[:n], msg) {
		t.Fatalf("read = %q, %v; want %q", buf[:n], err, msg)
	}
}

func TestPeekLeavesData(t *testing.T) {
	loop := loopkit.NewLoop(t)
	p := connectPair(t, loop, "tcp", "127.0.0.1:0")
	if _, err := p.conn.Write([]byte("peekaboo")); err != nil {
		t.Fatal(err)
	}
	peek := make([]byte, 4)
	n, err := driver.BlockOn(loop, p.stream.Peek(peek))
	if err != nil || string(peek[:n]) != "peek" {
		t.Fatalf("Peek = %q, %v; want %q", peek[:n], err, "peek")
	}
	all := make([]byte, 8)
	n, err = driver.BlockOn(loop, aio.ReadExact(p.stream, all))
	if err != nil || string(all[:n]) != "peekaboo" {
		t.Fatalf("read after Peek = %q, %v; want %q", all[:n], err, "peekaboo")
	}
}

func TestShutdownSides(t *testing.T) {
	loop := loopkit.NewLoop(t)
	p := connectPair(t, loop, "tcp", "127.0.0.1:0")
	if err := p.stream.Shutdown(socket.ShutdownWrite); err != nil {
		t.Fatal(err)
	}
	p.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := p.conn.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Fatalf("peer Read after ShutdownWrite = %d, %v; want 0, EOF", n, err)
	}
	// The read side still works after the write side is shut.
	if _, err := p.conn.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1)
	if n, err := driver.BlockOn(loop, aio.ReadExact(p.stream, buf)); err != nil || n != 1 {
		t.Fatalf("read after ShutdownWrite = %d, %v", n, err)
	}
	if err := p.stream.Shutdown(socket.ShutdownRead); err != nil {
		t.Fatal(err)
	}
	if n, err := driver.BlockOn(loop, aio.ReadExact(p.stream, buf)); err != io.EOF {
		t.Fatalf("read after ShutdownRead = %d, %v; want io.EOF", n, err)
	}
}

func TestWriteVectored(t *testing.T) {
	loop := loopkit.NewLoop(t)
	p := connectPair(t, loop, "tcp", "127.0.0.1:0")
	bufs := [][]byte{[]byte("one "), {}, []byte("two "), []byte("three")}
	n, err := driver.BlockOn(loop, future.PollFn(func(cx *future.Context) future.Poll[int] {
		return p.stream.PollWriteVectored(cx, bufs)
	}))
	if err != nil || n != 13 {
		t.Fatalf("PollWriteVectored = %d, %v; want 13, nil", n, err)
	}
	got := make([]byte, 13)
	p.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(p.conn, got); err != nil || string(got) != "one two three" {
		t.Fatalf("peer read %q, %v", got, err)
	}
}

func TestNetInterop(t *testing.T) {
	loop := loopkit.NewLoop(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	s, err := socket.FromTCPConn(server.(*net.TCPConn))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
		t.Errorf("write on the adopted net.Conn = %v; want net.ErrClosed", err)
	}
	client.Write([]byte("adopted"))
	buf := make([]byte, 7)
	if _, err := driver.BlockOn(loop, aio.ReadExact(s, buf)); err != nil || string(buf) != "adopted" {
		t.Fatalf("read on adopted stream = %q, %v", buf, err)
	}
	back, err := s.IntoTCPConn()
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if _, err := back.Write([]byte("back")); err != nil {
		t.Fatal(err)
	}
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, 4)
	if _, err := io.ReadFull(client, got); err != nil || string(got) != "back" {
		t.Fatalf("client read %q, %v", got, err)
	}
}

func TestListenerNetInterop(t *testing.T) {
	loop := loopkit.NewLoop(t)
	nl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := listener.FromTCPListener(nl.(*net.TCPListener))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s, err := driver.BlockOn(loop, l.Accept())
	if err != nil {
		t.Fatalf("Accept on adopted listener = %v", err)
	}
	s.Close()
	back, err := l.IntoTCPListener()
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	c2, err := net.Dial("tcp", back.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	back.SetDeadline(time.Now().Add(5 * time.Second))
	if a, err := back.Accept(); err != nil {
		t.Fatalf("Accept on handed-back listener = %v", err)
	} else {
		a.Close()
	}
}

func TestReusePort(t *testing.T) {
	a, err := listener.TCPConfig{ReusePort: true}.Bind("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := listener.TCPConfig{ReusePort: true}.Bind(a.Addr().String())
	if err != nil {
		t.Fatalf("second Bind with ReusePort on %v = %v", a.Addr(), err)
	}
	b.Close()
	if c, err := listener.BindTCP(a.Addr().String()); !errors.Is(err, syscall.EADDRINUSE) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("Bind without ReusePort = %v; want EADDRINUSE", err)
	}
}

func TestBindErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  listener.TCPConfig
		addr string
	}{
		{name: "no port", addr: "127.0.0.1"},
		{name: "port out of range", addr: "127.0.0.1:70000"},
		{name: "bad network", cfg: listener.TCPConfig{Network: "udp"}, addr: "127.0.0.1:0"},
		{name: "v6 address on tcp4", cfg: listener.TCPConfig{Network: "tcp4"}, addr: "[::1]:0"},
		{name: "v4 address on tcp6", cfg: listener.TCPConfig{Network: "tcp6"}, addr: "127.0.0.1:0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l, err := tc.cfg.Bind(tc.addr)
			var op *net.OpError
			if err == nil || !errors.As(err, &op) || op.Op != "listen" {
				if l != nil {
					l.Close()
				}
				t.Fatalf("Bind(%q) = %v; want a *net.OpError from listen", tc.addr, err)
			}
		})
	}
}

func TestConnectByName(t *testing.T) {
	loop := loopkit.NewLoop(t)
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Write([]byte("hi"))
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	// "localhost" is resolved off the loop; the ::1 answer, if any, is
	// refused and the next address is tried.
	s, err := driver.BlockOn(loop, socket.ConnectTCPNetwork("tcp4", net.JoinHostPort("localhost", strconv.Itoa(port))))
	if err != nil {
		t.Fatalf("ConnectTCP(localhost) = %v", err)
	}
	defer s.Close()
	got, err := driver.BlockOn(loop, aio.ReadToEnd(s))
	if err != nil || string(got) != "hi" {
		t.Fatalf("read = %q, %v", got, err)
	}
}

func TestConnectErrors(t *testing.T) {
	loop := loopkit.NewLoop(t)
	for _, addr := range []string{"127.0.0.1", "127.0.0.1:99999", "no-such-host.invalid:80"} {
		_, err := driver.BlockOn(loop, socket.ConnectTCP(addr))
		if err == nil {
			t.Errorf("ConnectTCP(%q) = nil; want an error", addr)
		}
	}
	if _, err := driver.BlockOn(loop, socket.ConnectTCPNetwork("udp", "127.0.0.1:1")); err == nil {
		t.Errorf("ConnectTCPNetwork(udp) = nil; want an error")
	}
}

func TestConnectIsLazy(t *testing.T) {
	f := socket.ConnectTCP("127.0.0.1:1")
	_ = combinators.Map(f, func(s *socket.TCPStream) int { return 1 })
	// Nothing polled: building the future opened no socket. A poll with
	// no driver fails with a clear error and leaves nothing open.
	p := f.Poll(future.NewContext(nil, nil))
	if p.IsPending() || p.Err() == nil {
		t.Fatalf("Poll outside a driver = %v; want an error", p)
	}
}

func TestTCPDualStackListener(t *testing.T) {
	// The wildcard bind runs where loopback is the only network.
	if !netns.Loopback(t) {
		return
	}
	loop := loopkit.NewLoop(t)
	l, err := listener.BindTCP(":0") // network "tcp": IPv4 and IPv6 both
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().Port
	for _, host := range []string{"127.0.0.1", "::1"} {
		c, err := net.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			t.Skipf("dial %s: %v (no IPv6 loopback?)", host, err)
		}
		s, err := driver.BlockOn(loop, l.Accept())
		if err != nil {
			c.Close()
			t.Fatalf("Accept from %s = %v", host, err)
		}
		got := s.RemoteAddr().(*net.TCPAddr).IP
		if !got.Equal(net.ParseIP(host)) {
			t.Errorf("RemoteAddr of a client from %s = %v", host, got)
		}
		s.Close()
		c.Close()
	}
	v6, err := listener.TCPConfig{Network: "tcp6"}.Bind(":0")
	if err != nil {
		t.Fatal(err)
	}
	defer v6.Close()
	if c, err := net.DialTimeout("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(v6.Addr().Port)), 2*time.Second); err == nil {
		c.Close()
		t.Errorf("an IPv4 client reached a tcp6 (v6-only) listener")
	}
}
