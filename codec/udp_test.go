package codec_test

import (
	"errors"
	"net/netip"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
)

func bindUDP(t *testing.T) *socket.UDPSocket {
	t.Helper()
	s, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestUDPFramed: datagrams from a real 127.0.0.1 socket are decoded one
// frame each; a datagram that makes no frame, two frames, or a decoder
// error is a *DatagramError item error and the stream goes on; the sink
// sends one datagram per frame to each packet's address.
func TestUDPFramed(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	srvSock, cliSock := bindUDP(t), bindUDP(t)
	srvAddr := srvSock.LocalAddr().AddrPort()
	cliAddr := cliSock.LocalAddr().AddrPort()

	// The client's datagrams, raw: each is one datagram on the wire.
	datagrams := []string{"\x00\x02ok", "\x00\x06short", "\x00\x01a\x00\x01b", "", "\x00\x03end"}
	sendRaw := func(i int) future.Future[int] { return cliSock.SendTo([]byte(datagrams[i]), srvAddr) }
	send := combinators.AndThen(sendRaw(0), func(int) future.Future[int] {
		return combinators.AndThen(sendRaw(1), func(int) future.Future[int] {
			return combinators.AndThen(sendRaw(2), func(int) future.Future[int] {
				return combinators.AndThen(sendRaw(3), func(int) future.Future[int] { return sendRaw(4) })
			})
		})
	})
	ld, err := codec.LengthDelimitedBuilder{}.LengthFieldLength(2).Build()
	if err != nil {
		t.Fatal(err)
	}
	server := codec.NewUDPFramed(srvSock, ld)
	var got, errs []string
	// The server answers each good frame, in brackets, to its sender.
	n, flushing := 0, false
	serve := future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		for {
			if flushing {
				if p := server.PollFlush(cx); !p.IsReady() || p.Err() != nil {
					return p
				}
				flushing = false
			}
			if n == len(datagrams) {
				return future.Ok(struct{}{})
			}
			p := server.PollNext(cx)
			if p.IsPending() {
				return future.Pending[struct{}]()
			}
			n++
			if err := p.Err(); err != nil {
				var de *codec.DatagramError
				if !errors.As(err, &de) || de.Addr != cliAddr {
					t.Errorf("item error %v; want a *DatagramError from the client", err)
				}
				errs = append(errs, err.Error())
				continue
			}
			pk := p.Value()
			got = append(got, string(pk.Frame)+" from client "+boolStr(pk.Addr == cliAddr))
			if r := server.PollReady(cx); !r.IsReady() || r.Err() != nil {
				t.Fatalf("PollReady with nothing waiting = %v", r)
			}
			if err := server.StartSend(codec.Packet[[]byte]{Frame: []byte("<" + string(pk.Frame) + ">"), Addr: pk.Addr}); err != nil {
				return future.Fail[struct{}](err)
			}
			flushing = true
		}
	})
	client := codec.NewUDPFramed(cliSock, ld)
	answers := combinators.Collect(combinators.Take(combinators.MapStream(client, func(p codec.Packet[[]byte]) string {
		return string(p.Frame) + " from server " + boolStr(p.Addr == srvAddr)
	}), 2))
	res, err := loopkit.Block(t, loop, combinators.Join(combinators.Join(send, serve), answers))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"ok from client true", "end from client true"}, got); diff != "" {
		t.Errorf("frames received (-want +got):\n%s", diff)
	}
	wantErrs := []string{
		"codec: datagram of 7 bytes from " + cliAddr.String() + ": no frame",
		"codec: datagram of 6 bytes from " + cliAddr.String() + ": 3 bytes after the frame",
		"codec: datagram of 0 bytes from " + cliAddr.String() + ": no frame",
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("item errors (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"<ok> from server true", "<end> from server true"}, res.Second); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// TestUDPFramedLinesAndClose: a Lines codec over UDP takes a datagram
// without a newline as one line (DecodeEOF), the sink's encoder errors
// fail only that send, and the stream ends when the socket is closed.
func TestUDPFramedLinesAndClose(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	a, b := bindUDP(t), bindUDP(t)
	to := b.LocalAddr().AddrPort()
	sender := codec.NewUDPFramed(a, codec.NewLines())
	if err := sender.StartSend(codec.Packet[string]{Frame: "two\nlines", Addr: to}); !errors.Is(err, codec.ErrNewlineInLine) {
		t.Errorf("StartSend of a bad line = %v; want ErrNewlineInLine", err)
	}
	send := combinators.AndThen(combinators.SinkSend(sender, codec.Packet[string]{Frame: "one", Addr: to}), func(struct{}) future.Future[int] {
		return a.SendTo([]byte("bare"), to)
	})
	receiver := codec.NewUDPFramed(b, codec.NewLines())
	recv := combinators.Collect(combinators.MapStream(combinators.Take(receiver, 2), func(p codec.Packet[string]) string { return p.Frame }))
	res, err := loopkit.Block(t, loop, combinators.Join(send, recv))
	if err != nil || !cmp.Equal(res.Second, []string{"one", "bare"}) {
		t.Fatalf("received %q, %v; want [one bare]", res.Second, err)
	}
	b.Close()
	if got, err := loopkit.Block(t, loop, combinators.Collect[codec.Packet[string]](receiver)); err != nil || len(got) != 0 {
		t.Errorf("after Close: %v, %v; want the end", got, err)
	}
}

// TestUDPFramedResetsDecoder: a datagram holding a line too long is an
// item error, and the next datagram is decoded afresh (the decoder does
// not go on skipping the long line into it); so for a length-delimited
// frame too long.
func TestUDPFramedResetsDecoder(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	a, b := bindUDP(t), bindUDP(t)
	to := b.LocalAddr().AddrPort()
	raw := func(s string) future.Future[int] { return a.SendTo([]byte(s), to) }
	send := combinators.AndThen(raw("far too long"), func(int) future.Future[int] {
		return combinators.AndThen(raw("ok\n"), func(int) future.Future[int] {
			return combinators.AndThen(raw("\x00\x00\x00\x09too long!"), func(int) future.Future[int] { return raw("\x00\x00\x00\x02ok") })
		})
	})
	lines := codec.NewUDPFramed(b, codec.NewLinesMax(4))
	res, err := loopkit.Block(t, loop, combinators.Join(send, combinators.Collect(combinators.Take(
		combinators.MapStream(combinators.DropErrors(combinators.InspectErr(lines, func(err error) {
			if !errors.Is(err, codec.ErrLineTooLong) {
				t.Errorf("item error %v; want ErrLineTooLong", err)
			}
		})), func(p codec.Packet[string]) string { return p.Frame }), 1))))
	if err != nil || !cmp.Equal(res.Second, []string{"ok"}) {
		t.Fatalf("lines = %q, %v; want [ok] after the error", res.Second, err)
	}
	ld, _ := codec.LengthDelimitedBuilder{}.MaxFrameLength(4).Build()
	frames := codec.NewUDPFramed(b, ld)
	got, err := loopkit.Block(t, loop, combinators.Collect(combinators.Take(combinators.MapStream(frames,
		func(p codec.Packet[[]byte]) string { return string(p.Frame) }), 2)))
	if err == nil || !errors.Is(err, codec.ErrFrameTooLarge) {
		t.Fatalf("first length-delimited datagram: %q, %v; want ErrFrameTooLarge", got, err)
	}
	got, err = loopkit.Block(t, loop, combinators.Collect(combinators.Take(combinators.MapStream(frames,
		func(p codec.Packet[[]byte]) string { return string(p.Frame) }), 1)))
	if err != nil || !cmp.Equal(got, []string{"ok"}) {
		t.Fatalf("the next datagram: %q, %v; want [ok]", got, err)
	}
}

// udpRoundTrip sends one frame from cli to srv's address and receives it
// on srv, once per run (reset starts the next).
type udpRoundTrip struct {
	cli, srv *codec.UDPFramed[[]byte, []byte]
	to       netip.AddrPort
	frame    []byte
	got      codec.Packet[[]byte]
	sent     bool
}

func (r *udpRoundTrip) Poll(cx *future.Context) future.Poll[struct{}] {
	if !r.sent {
		if p := r.cli.PollReady(cx); !p.IsReady() || p.Err() != nil {
			return p
		}
		if err := r.cli.StartSend(codec.Packet[[]byte]{Frame: r.frame, Addr: r.to}); err != nil {
			return future.Fail[struct{}](err)
		}
		if p := r.cli.PollFlush(cx); !p.IsReady() || p.Err() != nil {
			return p
		}
		r.sent = true
	}
	p := r.srv.PollNext(cx)
	switch {
	case p.IsPending():
		return future.Pending[struct{}]()
	case !p.IsItem():
		return future.Fail[struct{}](errors.New("the stream ended or failed"))
	}
	r.got = p.Value()
	return future.Ok(struct{}{})
}

// TestUDPFramedSteadyStateAllocs: a frame encoded, sent as a datagram,
// received and decoded allocates only the decoded frame (LengthDelimited
// copies it out of the receive buffer), beyond what BlockOn allocates for
// itself: the socket's receive and send allocate nothing on Linux.
func TestUDPFramedSteadyStateAllocs(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("datagram addresses go through x/sys's allocating conversions here")
	}
	ld := func() *codec.LengthDelimited {
		c, err := codec.LengthDelimitedBuilder{}.Build()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	srvSock, cliSock := bindUDP(t), bindUDP(t)
	r := &udpRoundTrip{
		cli: codec.NewUDPFramed(cliSock, ld()), srv: codec.NewUDPFramed(srvSock, ld()),
		to: srvSock.LocalAddr().AddrPort(), frame: []byte("one frame, one datagram"),
	}
	loop := loopkit.NewLoop(t)
	cycle := func() {
		r.sent = false
		if _, err := driver.BlockOn[struct{}](loop, r); err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if string(r.got.Frame) != string(r.frame) || r.got.Addr != cliSock.LocalAddr().AddrPort() {
			t.Fatalf("received %q from %v; want %q from %v", r.got.Frame, r.got.Addr, r.frame, cliSock.LocalAddr().AddrPort())
		}
	}
	for range 10 {
		cycle()
	}
	var ready future.Future[struct{}] = future.PollFn(func(*future.Context) future.Poll[struct{}] { return future.Ok(struct{}{}) })
	base := testing.AllocsPerRun(1000, func() { driver.BlockOn(loop, ready) })
	if n := testing.AllocsPerRun(1000, cycle) - base; n != 1 {
		t.Errorf("a frame through UDPFramed: %v allocations beyond BlockOn's %v; want 1 (the frame)", n, base)
	}
}
