package socket

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/netns"
	"github.com/eddyio/eddy/internal/testkit/loopkit"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// udBind binds an eddy UDP socket, closed at cleanup; it skips the test
// if the address family is missing (no IPv6 loopback).
func udBind(t *testing.T, addr string) *UDPSocket {
	t.Helper()
	u, err := BindUDP(addr)
	if err != nil {
		if strings.Contains(addr, "::") && (errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT)) {
			t.Skipf("no IPv6 loopback here: BindUDP(%q) = %v", addr, err)
		}
		t.Fatalf("BindUDP(%q) = %v", addr, err)
	}
	t.Cleanup(func() { u.Close() })
	return u
}

// udNetPeer starts a package-net UDP socket on addr that echoes every
// datagram back to its sender, until cleanup.
func udNetPeer(t *testing.T, network, addr string) *net.UDPConn {
	t.Helper()
	c, err := net.ListenPacket(network, addr)
	if err != nil {
		t.Skipf("net.ListenPacket(%q, %q): %v", network, addr, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		for {
			n, from, err := c.ReadFrom(buf)
			if err != nil {
				return
			}
			c.WriteTo(buf[:n], from)
		}
	}()
	t.Cleanup(func() { c.Close(); <-done })
	return c.(*net.UDPConn)
}

func TestUDPNetPeer(t *testing.T) {
	for _, tt := range []struct{ name, network, addr string }{
		{"IPv4", "udp4", "127.0.0.1:0"},
		{"IPv6", "udp6", "[::1]:0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			loop := loopkit.CheckedLoop(t)
			u := udBind(t, tt.addr)
			peer := udNetPeer(t, tt.network, tt.addr)
			to := peer.LocalAddr().(*net.UDPAddr).AddrPort()
			for _, msg := range []string{"hello", "", strings.Repeat("x", 9000)} {
				if n, err := loopkit.Block(t, loop, u.SendTo([]byte(msg), to)); err != nil || n != len(msg) {
					t.Fatalf("SendTo(%d bytes) = %d, %v; want %d, nil", len(msg), n, err, len(msg))
				}
				d, err := loopkit.Block(t, loop, u.RecvFrom(make([]byte, 10000)))
				if err != nil {
					t.Fatalf("RecvFrom = %v", err)
				}
				if string(d.Data) != msg || d.Addr != to {
					t.Errorf("RecvFrom = %d bytes from %v; want %d bytes from %v", len(d.Data), d.Addr, len(msg), to)
				}
			}
			if got, want := u.LocalAddr().IP.String(), peer.LocalAddr().(*net.UDPAddr).IP.String(); got != want {
				t.Errorf("LocalAddr().IP = %s; want %s", got, want)
			}
		})
	}
}

func TestUDPDualStack(t *testing.T) {
	// The wildcard bind runs where loopback is the only network.
	if !netns.Loopback(t) {
		return
	}
	loop := loopkit.CheckedLoop(t)
	u, err := BindUDP(":0")
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	c, err := net.Dial("udp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(u.LocalAddr().Port)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("v4 to dual")); err != nil {
		t.Fatal(err)
	}
	d, err := loopkit.Block(t, loop, u.RecvFrom(make([]byte, 64)))
	want := c.LocalAddr().(*net.UDPAddr).AddrPort()
	if err != nil || string(d.Data) != "v4 to dual" || d.Addr != want {
		t.Fatalf("RecvFrom = %q from %v, %v; want %q from %v (unmapped)", d.Data, d.Addr, err, "v4 to dual", want)
	}
	if _, err := loopkit.Block(t, loop, u.SendTo([]byte("reply"), d.Addr)); err != nil {
		t.Fatalf("SendTo(IPv4 address) on a dual-stack socket = %v", err)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 16)
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "reply" {
		t.Errorf("net peer read %q, %v; want %q", buf[:n], err, "reply")
	}
}

func TestUDPNcPeer(t *testing.T) {
	nc, err := exec.LookPath("nc")
	if err != nil {
		t.Skip("nc not installed; skipping the nc -u peer test")
	}
	loop := loopkit.CheckedLoop(t)
	u := udBind(t, "127.0.0.1:0")
	cmd := exec.Command(nc, "-u", "127.0.0.1", strconv.Itoa(u.LocalAddr().Port))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}()
	if _, err := stdin.Write([]byte("hello from nc\n")); err != nil {
		t.Fatal(err)
	}
	d, err := loopkit.Block(t, loop, u.RecvFrom(make([]byte, 64)))
	if err != nil || string(d.Data) != "hello from nc\n" {
		t.Fatalf("RecvFrom = %q, %v; want %q", d.Data, err, "hello from nc\n")
	}
	if _, err := loopkit.Block(t, loop, u.SendTo([]byte("hello from eddy\n"), d.Addr)); err != nil {
		t.Fatalf("SendTo(nc at %v) = %v", d.Addr, err)
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
	}()
	select {
	case got := <-line:
		if got != "hello from eddy\n" {
			t.Errorf("nc printed %q; want %q", got, "hello from eddy\n")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nc printed nothing in 5s")
	}
}

func TestUDPTruncated(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	u := udBind(t, "127.0.0.1:0")
	peer := udNetPeer(t, "udp4", "127.0.0.1:0")
	to := peer.LocalAddr().(*net.UDPAddr).AddrPort()
	big := bytes.Repeat([]byte("0123456789"), 200) // 2000 bytes

	if _, err := loopkit.Block(t, loop, u.SendTo(big, to)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	p, err := loopkit.Block(t, loop, future.PollFn(func(cx *future.Context) future.Poll[future.Poll[Datagram]] {
		r := u.PollRecvFrom(cx, buf)
		if r.IsPending() {
			return future.Pending[future.Poll[Datagram]]()
		}
		return future.Ok(r)
	}))
	if err != nil {
		t.Fatal(err)
	}
	err = p.Err()
	var te *TruncatedError
	var oe *net.OpError
	if !errors.Is(err, ErrTruncated) || !errors.As(err, &te) || !errors.As(err, &oe) || oe.Op != "read" {
		t.Fatalf("PollRecvFrom(2000-byte datagram, 100-byte buffer) = %v; want a *net.OpError wrapping ErrTruncated", err)
	}
	wantLen := 2000
	if runtime.GOOS != "linux" {
		wantLen = 0 // the BSDs do not report the full length
	}
	if te.Len != wantLen || te.Cap != 100 {
		t.Errorf("TruncatedError = %+v; want {Len: %d, Cap: 100}", *te, wantLen)
	}
	if d := p.Value(); !bytes.Equal(d.Data, big[:100]) || d.Addr != to {
		t.Errorf("truncated datagram = %q from %v; want the first 100 bytes from %v", d.Data, d.Addr, to)
	}
	t.Logf("error: %v", err)

	// The socket goes on: the next datagram arrives whole.
	if _, err := loopkit.Block(t, loop, u.SendTo([]byte("small"), to)); err != nil {
		t.Fatal(err)
	}
	if d, err := loopkit.Block(t, loop, u.RecvFrom(buf)); err != nil || string(d.Data) != "small" {
		t.Errorf("RecvFrom after truncation = %q, %v; want %q", d.Data, err, "small")
	}

	// Connected Recv reports truncation too.
	if err := u.Connect(to); err != nil {
		t.Fatal(err)
	}
	if _, err := loopkit.Block(t, loop, u.Send(big)); err != nil {
		t.Fatal(err)
	}
	if n, err := loopkit.Block(t, loop, u.Recv(buf)); !errors.Is(err, ErrTruncated) {
		t.Errorf("Recv(100-byte buffer) = %d, %v; want ErrTruncated", n, err)
	}

	// In the Datagrams stream, truncation is an item error, and the
	// stream goes on.
	if _, err := loopkit.Block(t, loop, u.Send(big)); err != nil {
		t.Fatal(err)
	}
	if _, err := loopkit.Block(t, loop, u.Send([]byte("after"))); err != nil {
		t.Fatal(err)
	}
	s := u.Datagrams(100)
	if _, err := udNext(t, loop, s); !errors.Is(err, ErrTruncated) {
		t.Errorf("Datagrams: first item error = %v; want ErrTruncated", err)
	}
	if d, err := udNext(t, loop, s); err != nil || string(d.Data) != "after" {
		t.Errorf("Datagrams: second item = %q, %v; want %q", d.Data, err, "after")
	}
}

// udNext drives one PollNext of s to an item (or the end: io.EOF).
func udNext(t *testing.T, loop *driver.Loop, s stream.Stream[Datagram]) (Datagram, error) {
	t.Helper()
	return loopkit.Block(t, loop, future.PollFn(func(cx *future.Context) future.Poll[Datagram] {
		p := s.PollNext(cx)
		switch {
		case p.IsPending():
			return future.Pending[Datagram]()
		case p.IsEnd():
			return future.Fail[Datagram](io.EOF)
		}
		return future.Result(p.Value(), p.Err())
	}))
}

func TestUDPConnect(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	u := udBind(t, "127.0.0.1:0")
	peer := udNetPeer(t, "udp4", "127.0.0.1:0")
	to := peer.LocalAddr().(*net.UDPAddr).AddrPort()
	if err := u.Connect(to); err != nil {
		t.Fatalf("Connect(%v) = %v", to, err)
	}
	if got := u.RemoteAddr().AddrPort(); got != to {
		t.Errorf("RemoteAddr() = %v; want %v", got, to)
	}
	// A stranger's datagram is dropped by the kernel.
	stranger, err := net.Dial("udp4", u.LocalAddr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer stranger.Close()
	stranger.Write([]byte("from a stranger"))

	if n, err := loopkit.Block(t, loop, u.Send([]byte("ping"))); err != nil || n != 4 {
		t.Fatalf("Send = %d, %v; want 4, nil", n, err)
	}
	buf := make([]byte, 64)
	if n, err := loopkit.Block(t, loop, u.Recv(buf)); err != nil || string(buf[:n]) != "ping" {
		t.Errorf("Recv = %q, %v; want the peer's echo %q", buf[:n], err, "ping")
	}

	// Send on an unconnected socket names the missing destination.
	v := udBind(t, "127.0.0.1:0")
	_, err = loopkit.Block(t, loop, v.Send([]byte("x")))
	if !errors.Is(err, syscall.EDESTADDRREQ) {
		t.Errorf("Send on an unconnected socket = %v; want EDESTADDRREQ", err)
	}
}

func TestUDPOptionsReadBack(t *testing.T) {
	loopkit.NoLeaks(t)
	u := udBind(t, "127.0.0.1:0")
	for _, on := range []bool{true, false} {
		if err := u.SetBroadcast(on); err != nil {
			t.Fatalf("SetBroadcast(%v) = %v", on, err)
		}
		v, err := unix.GetsockoptInt(u.fd.Sysfd(), unix.SOL_SOCKET, unix.SO_BROADCAST)
		if err != nil || (v != 0) != on {
			t.Errorf("after SetBroadcast(%v), getsockopt(SO_BROADCAST) = %d, %v", on, v, err)
		}
		if got, err := u.Broadcast(); err != nil || got != on {
			t.Errorf("Broadcast() = %v, %v; want %v", got, err, on)
		}
	}
}

// udLoopback returns the loopback interface.
func udLoopback(t *testing.T) *net.Interface {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for i := range ifs {
		if ifs[i].Flags&net.FlagLoopback != 0 && ifs[i].Flags&net.FlagUp != 0 {
			return &ifs[i]
		}
	}
	t.Skip("no loopback interface")
	return nil
}

func TestUDPMulticastMembership(t *testing.T) {
	loopkit.NoLeaks(t)
	lo := udLoopback(t)
	tests := []struct {
		name, bind string
		group      netip.Addr
	}{
		{"IPv4", "127.0.0.1:0", netip.MustParseAddr("239.255.42.99")},
		{"IPv6", "[::1]:0", netip.MustParseAddr("ff12::4242")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := udBind(t, tt.bind)
			if err := u.JoinGroup(lo, tt.group); err != nil {
				t.Fatalf("JoinGroup(%s, %v) = %v", lo.Name, tt.group, err)
			}
			// Joining twice is refused by the kernel: the first join held.
			if err := u.JoinGroup(lo, tt.group); !errors.Is(err, syscall.EADDRINUSE) {
				t.Errorf("second JoinGroup = %v; want EADDRINUSE", err)
			}
			if err := u.LeaveGroup(lo, tt.group); err != nil {
				t.Fatalf("LeaveGroup = %v", err)
			}
			if err := u.LeaveGroup(lo, tt.group); !errors.Is(err, syscall.EADDRNOTAVAIL) {
				t.Errorf("second LeaveGroup = %v; want EADDRNOTAVAIL", err)
			}
		})
	}
	u := udBind(t, "127.0.0.1:0")
	err := u.JoinGroup(lo, netip.MustParseAddr("127.0.0.1"))
	var ae *net.AddrError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "not a multicast address") {
		t.Errorf("JoinGroup(127.0.0.1) = %v; want a *net.AddrError saying not a multicast address", err)
	}
}

func TestBindUDPErrors(t *testing.T) {
	loopkit.NoLeaks(t)
	tests := []struct {
		addr string
		want string
	}{
		{"127.0.0.1", "missing port"},
		{"127.0.0.1:99999", "invalid port"},
		{"127.0.0.1:-1", "invalid port"},
		{"localhost:0", "not a literal IP address"},
		{"[::1%nosuchzone]:0", "unknown zone"},
	}
	for _, tt := range tests {
		u, err := BindUDP(tt.addr)
		if err == nil {
			u.Close()
			t.Errorf("BindUDP(%q) = nil error; want %q", tt.addr, tt.want)
			continue
		}
		var oe *net.OpError
		if !errors.As(err, &oe) || oe.Op != "listen" || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("BindUDP(%q) = %v; want a *net.OpError saying %q", tt.addr, err, tt.want)
		}
	}
	addrTests := []struct {
		network string
		addr    *net.UDPAddr
		want    string
	}{
		{"tcp", nil, "unknown network tcp"},
		{"udp4", &net.UDPAddr{IP: net.IPv6loopback}, "non-IPv4 address"},
		{"udp6", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, "non-IPv6 address"},
		{"udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 70000}, "port out of range"},
	}
	for _, tt := range addrTests {
		u, err := BindUDPAddr(tt.network, tt.addr)
		if err == nil {
			u.Close()
			t.Errorf("BindUDPAddr(%q, %v) = nil error; want %q", tt.network, tt.addr, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("BindUDPAddr(%q, %v) = %v; want %q", tt.network, tt.addr, err, tt.want)
		}
	}
}

func TestUDPSendErrorsAndClose(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	u := udBind(t, "127.0.0.1:0")
	_, err := loopkit.Block(t, loop, u.SendTo([]byte("x"), netip.MustParseAddrPort("[::1]:9")))
	if err == nil || !strings.Contains(err.Error(), "IPv6 address on an IPv4 socket") {
		t.Errorf("SendTo(IPv6) on an IPv4 socket = %v; want a clear error", err)
	}
	_, err = loopkit.Block(t, loop, u.SendTo([]byte("x"), netip.AddrPort{}))
	if err == nil || !strings.Contains(err.Error(), "invalid address") {
		t.Errorf("SendTo(zero AddrPort) = %v; want a clear error", err)
	}
	if err := u.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := u.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close() = %v; want net.ErrClosed", err)
	}
	to := netip.MustParseAddrPort("127.0.0.1:9")
	checks := map[string]error{
		"SetBroadcast": u.SetBroadcast(true),
		"Connect":      u.Connect(to),
		"JoinGroup":    u.JoinGroup(nil, netip.MustParseAddr("239.255.42.99")),
	}
	_, checks["SendTo"] = loopkit.Block(t, loop, u.SendTo([]byte("x"), to))
	_, checks["RecvFrom"] = loopkit.Block(t, loop, u.RecvFrom(make([]byte, 8)))
	for name, err := range checks {
		var oe *net.OpError
		if !errors.Is(err, net.ErrClosed) || !errors.As(err, &oe) {
			t.Errorf("%s after Close = %v; want a *net.OpError wrapping net.ErrClosed", name, err)
		}
	}
	if _, err := udNext(t, loop, u.Datagrams(0)); err != io.EOF {
		t.Errorf("Datagrams after Close = %v; want the end of the stream", err)
	}
}

func TestUDPCloseWakesReceiver(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	u, err := BindUDP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(20*time.Millisecond, func() { u.Close() })
	if _, err := loopkit.Block(t, loop, u.RecvFrom(make([]byte, 8))); !errors.Is(err, net.ErrClosed) {
		t.Errorf("parked RecvFrom after Close = %v; want net.ErrClosed", err)
	}
}

func TestUDPSendToIsLazy(t *testing.T) {
	loopkit.NoLeaks(t)
	u := udBind(t, "127.0.0.1:0")
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = u.SendTo([]byte("never"), c.LocalAddr().(*net.UDPAddr).AddrPort())
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if n, _, err := c.ReadFrom(make([]byte, 8)); err == nil {
		t.Fatalf("an unpolled SendTo sent %d bytes", n)
	}
}

// TestUDPHundredThousand sends 100,000 numbered datagrams over loopback
// from one eddy socket to another and checks that every one arrives
// exactly once. The rate is bounded by a window: the sender never has more
// than `window` datagrams in flight (sent, not yet received), and waits for
// the receiver to catch up before sending more, so the receive buffer
// (whose size is read back with getsockopt) can never overflow: loopback
// then drops nothing. The achieved rate is logged.
func TestUDPHundredThousand(t *testing.T) {
	const total = 100_000
	loop := loopkit.CheckedLoop(t)
	tx := udBind(t, "127.0.0.1:0")
	rx := udBind(t, "127.0.0.1:0")
	unix.SetsockoptInt(rx.fd.Sysfd(), unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
	rcvbuf, err := unix.GetsockoptInt(rx.fd.Sysfd(), unix.SOL_SOCKET, unix.SO_RCVBUF)
	if err != nil {
		t.Fatal(err)
	}
	// A small datagram costs the receive buffer well under 2 KiB (its
	// sk_buff's truesize), so window*2 KiB <= rcvbuf leaves no room to drop.
	window := min(500, rcvbuf/2048)
	to := rx.LocalAddr().AddrPort()
	from := tx.LocalAddr().AddrPort()

	seen := make([]uint8, total)
	received, strangers := 0, 0
	var parked future.Waker // the sender, waiting for the receiver
	sent := 0
	var msg [8]byte
	sender := future.PollFn(func(cx *future.Context) future.Poll[int] {
		for sent < total {
			if sent-received >= window {
				parked = cx.Waker()
				return future.Pending[int]()
			}
			binary.BigEndian.PutUint32(msg[:4], uint32(sent))
			binary.BigEndian.PutUint32(msg[4:], 0xEDD1)
			p := tx.PollSendTo(cx, msg[:], to)
			if p.IsPending() {
				return future.Pending[int]()
			}
			if p.Err() != nil {
				return p
			}
			sent++
		}
		return future.Ok(sent)
	})
	buf := make([]byte, 64)
	receiver := future.PollFn(func(cx *future.Context) future.Poll[int] {
		for received < total {
			p := rx.PollRecvFrom(cx, buf)
			if p.IsPending() {
				return future.Pending[int]()
			}
			if p.Err() != nil {
				return future.Fail[int](p.Err())
			}
			d := p.Value()
			if d.Addr != from || len(d.Data) != 8 || binary.BigEndian.Uint32(d.Data[4:]) != 0xEDD1 {
				strangers++
				continue
			}
			seq := binary.BigEndian.Uint32(d.Data[:4])
			if seq < total {
				seen[seq]++
			}
			received++
			if parked != nil && sent-received < window {
				parked.Wake()
				parked = nil
			}
		}
		return future.Ok(received)
	})
	start := time.Now()
	res, err := loopkit.BlockOn(t, loop, combinators.Join(sender, receiver), 60*time.Second)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("after %d sent, %d received: %v", sent, received, err)
	}
	missing, dups := 0, 0
	for _, n := range seen {
		switch {
		case n == 0:
			missing++
		case n > 1:
			dups++
		}
	}
	if res.First != total || res.Second != total || missing != 0 || dups != 0 || strangers != 0 {
		t.Errorf("sent %d, received %d: %d missing, %d duplicated, %d malformed; want all %d exactly once",
			res.First, res.Second, missing, dups, strangers, total)
	}
	t.Logf("%d datagrams of 8 bytes, window %d in flight (SO_RCVBUF %d): %v, %.0f datagrams/s",
		total, window, rcvbuf, elapsed.Round(time.Millisecond), total/elapsed.Seconds())
}
