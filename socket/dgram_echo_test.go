package socket_test

import (
	"bytes"
	"net"
	"net/netip"
	"runtime"
	"testing"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
)

// udpEchoer is a hand-written future that echoes every datagram back to
// its sender with PollRecvFrom and PollSendTo, until the socket is closed.
type udpEchoer struct {
	u    *socket.UDPSocket
	buf  []byte
	out  []byte // the datagram being sent back; nil while receiving
	to   netip.AddrPort
	errs int
}

func (e *udpEchoer) Poll(cx *future.Context) future.Poll[struct{}] {
	for {
		if e.out == nil {
			p := e.u.PollRecvFrom(cx, e.buf)
			if p.IsPending() {
				return future.Pending[struct{}]()
			}
			if p.Err() != nil {
				return future.Ok(struct{}{}) // closed at cleanup
			}
			e.out, e.to = p.Value().Data, p.Value().Addr
		}
		p := e.u.PollSendTo(cx, e.out, e.to)
		if p.IsPending() {
			return future.Pending[struct{}]()
		}
		if p.Err() != nil {
			e.errs++
		}
		e.out = nil
	}
}

// eddyUDPEcho starts a UDP echo server (udpEchoer on a loop of its own
// goroutine) bound to addr and returns its address; ok is false if addr
// cannot be bound here (no IPv6).
func eddyUDPEcho(tb testing.TB, addr string) (netip.AddrPort, bool) {
	u, err := socket.BindUDP(addr)
	if err != nil {
		return netip.AddrPort{}, false
	}
	loop := loopkit.StartLoop(tb)
	e := &udpEchoer{u: u, buf: make([]byte, 2048)}
	done := loopkit.Spawn[struct{}](loop, e)
	tb.Cleanup(func() {
		u.Close()
		<-done
		if e.errs != 0 {
			tb.Errorf("%d sends failed", e.errs)
		}
	})
	return u.LocalAddr().AddrPort(), true
}

// netUDPEcho starts a goroutine that echoes datagrams with a net.UDPConn
// (ReadFromUDPAddrPort and WriteToUDPAddrPort, which allocate nothing).
func netUDPEcho(tb testing.TB, addr string) (netip.AddrPort, bool) {
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.MustParseAddrPort(addr)))
	if err != nil {
		return netip.AddrPort{}, false
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 2048)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			c.WriteToUDPAddrPort(buf[:n], from)
		}
	}()
	tb.Cleanup(func() { c.Close(); <-done })
	return c.LocalAddr().(*net.UDPAddr).AddrPort(), true
}

// udpClient returns a round trip of one datagram to server and its echo,
// checked, from a net.UDPConn of network.
func udpClient(tb testing.TB, network string, server netip.AddrPort) func() {
	c, err := net.ListenUDP(network, nil)
	if err != nil {
		tb.Fatalf("ListenUDP: %v", err)
	}
	tb.Cleanup(func() { c.Close() })
	out, in := make([]byte, msgSize), make([]byte, 2*msgSize)
	copy(out, "datagram, echoed back to its sender")
	return func() {
		if _, err := c.WriteToUDPAddrPort(out, server); err != nil {
			tb.Fatalf("WriteToUDPAddrPort: %v", err)
		}
		n, from, err := c.ReadFromUDPAddrPort(in)
		if err != nil {
			tb.Fatalf("ReadFromUDPAddrPort: %v", err)
		}
		if from != server || !bytes.Equal(in[:n], out) {
			tb.Fatalf("got %q from %v; want %q from %v", in[:n], from, out, server)
		}
	}
}

// TestDatagramSteadyStateAllocs extends contract 9 to datagrams: once a
// UDP socket is serving, receiving a datagram with its sender's address
// and sending one to an address allocate nothing (on Linux, where the
// socket addresses are read and built on the stack of raw recvmsg and
// sendmsg calls). The client is a net.UDPConn in the same process, whose
// ReadFromUDPAddrPort and WriteToUDPAddrPort allocate nothing either, so
// the whole round trip is measured.
func TestDatagramSteadyStateAllocs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("datagram addresses go through x/sys's allocating conversions here")
	}
	for _, tc := range []struct{ server, client string }{
		{"127.0.0.1:0", "udp4"},
		{"[::1]:0", "udp6"},
	} {
		t.Run(tc.client, func(t *testing.T) {
			server, ok := eddyUDPEcho(t, tc.server)
			if !ok {
				t.Skipf("cannot bind %s here", tc.server)
			}
			roundTrip := udpClient(t, tc.client, server)
			for range 100 { // warm up: queues grown
				roundTrip()
			}
			if n := testing.AllocsPerRun(1000, roundTrip); n != 0 {
				t.Errorf("UDP echo round trip: %v allocations; want 0", n)
			}
		})
	}
}

// BenchmarkUDPEcho measures ping-pong of 64-byte datagrams over loopback
// against an eddy server and a net.UDPConn one.
func BenchmarkUDPEcho(b *testing.B) {
	for _, server := range []struct {
		name  string
		start func(testing.TB, string) (netip.AddrPort, bool)
	}{{"eddy", eddyUDPEcho}, {"net", netUDPEcho}} {
		b.Run(server.name, func(b *testing.B) {
			addr, ok := server.start(b, "127.0.0.1:0")
			if !ok {
				b.Fatal("cannot bind 127.0.0.1:0")
			}
			roundTrip := udpClient(b, "udp4", addr)
			roundTrip()
			b.ReportAllocs()
			b.SetBytes(msgSize)
			b.ResetTimer()
			for b.Loop() {
				roundTrip()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// unixPingPong sends one datagram on a and receives it on b, once per
// run (reset starts the next).
type unixPingPong struct {
	a, b    *socket.UnixDatagram
	out, in []byte
	sent    bool
}

func (f *unixPingPong) Poll(cx *future.Context) future.Poll[int] {
	if !f.sent {
		if p := f.a.PollSend(cx, f.out); p.IsPending() || p.Err() != nil {
			return p
		}
		f.sent = true
	}
	return f.b.PollRecv(cx, f.in)
}

// TestUnixDatagramSteadyStateAllocs is TestDatagramSteadyStateAllocs for
// a pair of Unix datagram sockets: a send on a connected socket and a
// receive from an unbound sender allocate nothing beyond what BlockOn
// allocates for itself.
func TestUnixDatagramSteadyStateAllocs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("datagram addresses go through x/sys's allocating conversions here")
	}
	a, b, err := socket.UnixDatagramPair()
	if err != nil {
		t.Fatalf("UnixDatagramPair: %v", err)
	}
	defer a.Close()
	defer b.Close()
	loop := loopkit.NewLoop(t)
	f := &unixPingPong{a: a, b: b, out: []byte("one datagram"), in: make([]byte, 64)}
	roundTrip := func() {
		f.sent = false
		n, err := driver.BlockOn[int](loop, f)
		if err != nil || !bytes.Equal(f.in[:n], f.out) {
			t.Fatalf("send and receive: got %q, %v; want %q", f.in[:n], err, f.out)
		}
	}
	for range 100 {
		roundTrip()
	}
	// BlockOn allocates for its own bookkeeping: count that apart.
	var ready future.Future[int] = future.PollFn(func(*future.Context) future.Poll[int] { return future.Ok(0) })
	base := testing.AllocsPerRun(1000, func() { driver.BlockOn(loop, ready) })
	if n := testing.AllocsPerRun(1000, roundTrip); n != base {
		t.Errorf("Unix datagram round trip: %v allocations, BlockOn alone %v; want no more", n, base)
	}
}
