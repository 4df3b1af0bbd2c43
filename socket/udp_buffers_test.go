package socket

import (
	"bytes"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// bufferSocket is what the datagram sockets share for their kernel
// buffers.
type bufferSocket interface {
	SetReadBuffer(bytes int) error
	ReadBuffer() (int, error)
	SetWriteBuffer(bytes int) error
	WriteBuffer() (int, error)
	Close() error
}

func TestDatagramBuffersReadBack(t *testing.T) {
	loopkit.NoLeaks(t)
	pa, pb, err := UnixDatagramPair()
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	sockets := []struct {
		name string
		s    bufferSocket
		fd   int
	}{
		{"UDPSocket", udBind(t, "127.0.0.1:0"), 0},
		{"UnixDatagram", pa, 0},
	}
	sockets[0].fd = sockets[0].s.(*UDPSocket).fd.Sysfd()
	sockets[1].fd = pa.fd.Sysfd()
	const size = 96 << 10
	for _, s := range sockets {
		opts := []struct {
			name string
			set  func(int) error
			get  func() (int, error)
			opt  int
		}{
			{"ReadBuffer", s.s.SetReadBuffer, s.s.ReadBuffer, unix.SO_RCVBUF},
			{"WriteBuffer", s.s.SetWriteBuffer, s.s.WriteBuffer, unix.SO_SNDBUF},
		}
		for _, o := range opts {
			if err := o.set(size); err != nil {
				t.Fatalf("%s.Set%s(%d) = %v", s.name, o.name, size, err)
			}
			kernel, err := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, o.opt)
			if err != nil {
				t.Fatal(err)
			}
			// Linux doubles what it is asked for its own bookkeeping.
			if kernel < size {
				t.Errorf("%s: after Set%s(%d) the kernel's buffer is %d bytes; want at least %d", s.name, o.name, size, kernel, size)
			}
			if got, err := o.get(); got != kernel || err != nil {
				t.Errorf("%s.%s() = %d, %v; want %d, nil (what the kernel says)", s.name, o.name, got, err, kernel)
			}
		}
		if err := s.s.Close(); err != nil {
			t.Fatalf("%s.Close() = %v", s.name, err)
		}
		for _, o := range opts {
			err := o.set(size)
			var oe *net.OpError
			if !errors.As(err, &oe) || oe.Op != "set" || !errors.Is(err, net.ErrClosed) {
				t.Errorf("%s.Set%s after Close = %v; want a *net.OpError \"set\" wrapping net.ErrClosed", s.name, o.name, err)
			}
			_, err = o.get()
			if !errors.As(err, &oe) || oe.Op != "get" || !errors.Is(err, net.ErrClosed) {
				t.Errorf("%s.%s after Close = %v; want a *net.OpError \"get\" wrapping net.ErrClosed", s.name, o.name, err)
			}
		}
	}
}

// TestUDPReadBufferHoldsBurst sends a burst larger than the default
// receive buffer (net.core.rmem_default, 208 KiB on Linux) before the
// receiver reads anything: with SetReadBuffer raised, every datagram
// arrives, whole and in order.
func TestUDPReadBufferHoldsBurst(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	rx := udBind(t, "127.0.0.1:0")
	const (
		count = 64
		size  = 8 << 10 // 512 KiB in all
		want  = 2 << 20
	)
	if err := rx.SetReadBuffer(want); err != nil {
		t.Fatalf("SetReadBuffer(%d) = %v", want, err)
	}
	if got, err := rx.ReadBuffer(); err != nil || got < want {
		t.Skipf("the kernel allows a receive buffer of %d bytes (%v), too small for the burst (net.core.rmem_max)", got, err)
	}
	tx, err := net.DialUDP("udp", nil, rx.LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	msg := make([]byte, size)
	for i := range count {
		msg[0], msg[size-1] = byte(i), byte(i)
		if _, err := tx.Write(msg); err != nil {
			t.Fatalf("datagram %d: %v", i, err)
		}
	}
	buf := make([]byte, size+1)
	for i := range count {
		d, err := loopkit.BlockOn(t, loop, rx.RecvFrom(buf), 10*time.Second)
		if err != nil {
			t.Fatalf("datagram %d: %v", i, err)
		}
		msg[0], msg[size-1] = byte(i), byte(i)
		if !bytes.Equal(d.Data, msg) {
			t.Fatalf("datagram %d: got %d bytes starting %d; want %d bytes starting %d (one was dropped?)",
				i, len(d.Data), d.Data[0], size, i)
		}
		if d.Addr != tx.LocalAddr().(*net.UDPAddr).AddrPort() {
			t.Fatalf("datagram %d from %v; want %v", i, d.Addr, tx.LocalAddr())
		}
	}
}

func TestFromUDPConn(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	peerAddr := peer.LocalAddr().(*net.UDPAddr).AddrPort()

	// An unconnected socket: it sends with SendTo and names senders.
	nc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	addr := nc.LocalAddr().(*net.UDPAddr)
	u, err := FromUDPConn(nc)
	if err != nil {
		t.Fatalf("FromUDPConn() = %v", err)
	}
	defer u.Close()
	if _, err := nc.WriteToUDP([]byte("x"), peer.LocalAddr().(*net.UDPAddr)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("the net.UDPConn after FromUDPConn: WriteToUDP = %v; want net.ErrClosed", err)
	}
	if got := u.LocalAddr(); got.String() != addr.String() {
		t.Errorf("LocalAddr() = %v; want %v", got, addr)
	}
	if got := u.RemoteAddr(); got != nil {
		t.Errorf("RemoteAddr() = %v; want nil", got)
	}
	if _, err := loopkit.Block(t, loop, u.SendTo([]byte("hello"), peerAddr)); err != nil {
		t.Fatalf("SendTo = %v", err)
	}
	buf := make([]byte, 64)
	peer.SetDeadline(time.Now().Add(10 * time.Second))
	n, from, err := peer.ReadFromUDPAddrPort(buf)
	if err != nil || string(buf[:n]) != "hello" || from != addr.AddrPort() {
		t.Fatalf("peer read %q from %v, %v; want %q from %v", buf[:n], from, err, "hello", addr)
	}
	if _, err := peer.WriteToUDPAddrPort([]byte("world"), from); err != nil {
		t.Fatal(err)
	}
	d, err := loopkit.Block(t, loop, u.RecvFrom(buf))
	if err != nil || string(d.Data) != "world" || d.Addr != peerAddr {
		t.Fatalf("RecvFrom = %q from %v, %v; want %q from %v", d.Data, d.Addr, err, "world", peerAddr)
	}

	// A connected one: Send and Recv need no address, RemoteAddr names
	// the peer.
	dc, err := net.DialUDP("udp", nil, peer.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	c, err := FromUDPConn(dc)
	if err != nil {
		t.Fatalf("FromUDPConn(connected) = %v", err)
	}
	defer c.Close()
	if got := c.RemoteAddr(); got == nil || got.AddrPort() != peerAddr {
		t.Errorf("RemoteAddr() of a connected socket = %v; want %v", got, peerAddr)
	}
	if _, err := loopkit.Block(t, loop, c.Send([]byte("ping"))); err != nil {
		t.Fatalf("Send = %v", err)
	}
	n, from, err = peer.ReadFromUDPAddrPort(buf)
	if err != nil || string(buf[:n]) != "ping" || from != c.LocalAddr().AddrPort() {
		t.Fatalf("peer read %q from %v, %v; want %q from %v", buf[:n], from, err, "ping", c.LocalAddr())
	}
	if _, err := peer.WriteToUDPAddrPort([]byte("pong"), from); err != nil {
		t.Fatal(err)
	}
	n, err = loopkit.Block(t, loop, c.Recv(buf))
	if err != nil || string(buf[:n]) != "pong" {
		t.Fatalf("Recv = %q, %v; want %q", buf[:n], err, "pong")
	}
}

// TestFromUDPConnIPv6 checks that an IPv6 socket taken over keeps its
// family: it sends to IPv6 addresses.
func TestFromUDPConnIPv6(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	nc, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	u, err := FromUDPConn(nc)
	if err != nil {
		t.Fatalf("FromUDPConn() = %v", err)
	}
	defer u.Close()
	to := u.LocalAddr().AddrPort()
	if to.Addr() != netip.IPv6Loopback() {
		t.Fatalf("LocalAddr() = %v; want [::1]:port", to)
	}
	if _, err := loopkit.Block(t, loop, u.SendTo([]byte("self"), to)); err != nil {
		t.Fatalf("SendTo(itself) = %v", err)
	}
	buf := make([]byte, 8)
	d, err := loopkit.Block(t, loop, u.RecvFrom(buf))
	if err != nil || string(d.Data) != "self" || d.Addr != to {
		t.Fatalf("RecvFrom = %q from %v, %v; want %q from %v", d.Data, d.Addr, err, "self", to)
	}
}
