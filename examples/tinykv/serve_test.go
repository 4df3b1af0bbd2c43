package main

import (
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// serveOne serves one connection in this process as the server does, on a
// loop of its own goroutine, and returns a client connected to it, the
// loop, and the connection's framed halves (to be looked at only from the
// loop).
func serveOne(t *testing.T) (net.Conn, *driver.Loop, *codec.FramedRead[*Command], *codec.FramedWrite[*Reply]) {
	t.Helper()
	loop := loopkit.StartLoop(t)
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatalf("BindTCP: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	done := make(chan struct{})
	type halves struct {
		rd *codec.FramedRead[*Command]
		wr *codec.FramedWrite[*Reply]
	}
	framed := make(chan halves, 1)
	loop.Spawn(combinators.AndThen(l.Accept(), func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		rd, wr := codec.NewFramedPair(r, w, new(respCodec)).Split()
		framed <- halves{rd, wr}
		s := &session{store: NewStore()}
		s.store.Set([]byte("key:1"), []byte("value"))
		return combinators.Then(combinators.Forward(codec.Respond(rd, s.serve, s.refuse), wr),
			func(struct{}, error) { conn.Close(); close(done) })
	}))
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	c.SetDeadline(time.Now().Add(time.Minute))
	t.Cleanup(func() { c.Close(); <-done }) // the client's EOF ends the task
	h := <-framed
	return c, loop, h.rd, h.wr
}

const (
	getReq   = "*2\r\n$3\r\nGET\r\n$5\r\nkey:1\r\n"
	getReply = "$5\r\nvalue\r\n"
)

func roundTrip(t *testing.T, c net.Conn, req, reply []byte) {
	if _, err := c.Write(req); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if _, err := io.ReadFull(c, reply); err != nil {
		t.Fatalf("ReadFull: %v", err)
	}
}

// TestSteadyStateAllocs: once a connection is established, a command and
// its reply through the framed transport, the decoder, the session and the
// encoder allocate nothing (contract 9), the client's side included.
func TestSteadyStateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops pooled buffers on purpose: allocations are counted without -race")
	}
	c, _, _, _ := serveOne(t)
	req, reply := []byte(getReq), make([]byte, len(getReply))
	for range 100 { // warm up: buffers pooled, storage grown
		roundTrip(t, c, req, reply)
	}
	if string(reply) != getReply {
		t.Fatalf("reply %q; want %q", reply, getReply)
	}
	if n := testing.AllocsPerRun(1000, func() { roundTrip(t, c, req, reply) }); n != 0 {
		t.Errorf("command and reply: %v allocations; want 0", n)
	}
	// AllocsPerRun rounds down: count exactly too. A few are allowed for
	// the pooled buffers, which a GC may take back.
	const runs = 10000
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		roundTrip(t, c, req, reply)
	}
	runtime.ReadMemStats(&after)
	if n := after.Mallocs - before.Mallocs; n > runs/100 {
		t.Errorf("%d commands made %d allocations; want about none", runs, n)
	}
}

// TestIdleHoldsNoBuffer: between commands, a connection holds neither an
// input buffer (nor decoder storage) nor an output buffer; a partial
// command keeps its input buffer.
func TestIdleHoldsNoBuffer(t *testing.T) {
	c, loop, rd, wr := serveOne(t)
	held := func() (in, out bool) {
		ch := loopkit.Spawn(loop, future.Lazy(func() ([2]bool, error) {
			dec := rd.Decoder().(*respCodec)
			return [2]bool{rd.Buffered() != nil || dec.mem.Held(), wr.Buffered() != 0}, nil
		}))
		v, _ := loopkit.Await(t, ch)
		return v[0], v[1]
	}
	req, reply := []byte(getReq), make([]byte, len(getReply))
	roundTrip(t, c, req, reply)
	if in, out := held(); in || out {
		t.Errorf("idle after a reply: input buffer held %v, output buffer held %v; want neither", in, out)
	}
	if _, err := c.Write(req[:10]); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(loopkit.Timeout)
	for in, _ := held(); !in; in, _ = held() {
		if time.Now().After(deadline) {
			t.Fatalf("a partial command was not kept")
		}
		time.Sleep(time.Millisecond)
	}
	roundTrip(t, c, req[10:], reply)
	if string(reply) != getReply {
		t.Errorf("reply %q; want %q", reply, getReply)
	}
}
