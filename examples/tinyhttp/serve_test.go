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
func serveOne(t *testing.T) (net.Conn, *driver.Loop, *codec.FramedRead[*Request], *codec.FramedWrite[*Response]) {
	t.Helper()
	loop := loopkit.StartLoop(t)
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatalf("BindTCP: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	done := make(chan struct{})
	type halves struct {
		rd *codec.FramedRead[*Request]
		wr *codec.FramedWrite[*Response]
	}
	framed := make(chan halves, 1)
	loop.Spawn(combinators.AndThen(l.Accept(), func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		rd, wr := codec.NewFramedPair(r, w, &httpCodec{ResponseEncoder: ResponseEncoder{now: fixedClock}}).Split()
		framed <- halves{rd, wr}
		h := new(handler)
		return combinators.Then(combinators.Forward(codec.Respond(rd, h.serve, h.refuse), wr),
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

const fixedPlaintext = "HTTP/1.1 200 OK\r\nServer: eddy\r\nDate: Wed, 02 Dec 2026 18:30:05 GMT\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!"

func roundTrip(t *testing.T, c net.Conn, req, resp []byte) {
	if _, err := c.Write(req); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if _, err := io.ReadFull(c, resp); err != nil {
		t.Fatalf("ReadFull: %v", err)
	}
}

// TestSteadyStateAllocs: once a connection is established, a request and
// its response through the framed transport, the decoder, the handler and the
// encoder allocate nothing (contract 9), the client's side included.
func TestSteadyStateAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's sync.Pool drops pooled buffers on purpose: allocations are counted without -race")
	}
	c, _, _, _ := serveOne(t)
	req, resp := []byte(plaintextReq), make([]byte, len(fixedPlaintext))
	for range 100 { // warm up: buffers pooled, storage grown
		roundTrip(t, c, req, resp)
	}
	if string(resp) != fixedPlaintext {
		t.Fatalf("response %q; want %q", resp, fixedPlaintext)
	}
	if n := testing.AllocsPerRun(1000, func() { roundTrip(t, c, req, resp) }); n != 0 {
		t.Errorf("request and response: %v allocations; want 0", n)
	}
	// AllocsPerRun rounds down: count exactly too. A few are allowed for
	// the pooled buffers, which a GC may take back.
	const runs = 10000
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		roundTrip(t, c, req, resp)
	}
	runtime.ReadMemStats(&after)
	if n := after.Mallocs - before.Mallocs; n > runs/100 {
		t.Errorf("%d requests made %d allocations; want about none", runs, n)
	}
}

// TestIdleHoldsNoBuffer: between requests, a connection holds neither an
// input buffer (nor decoder storage) nor an output buffer; a partial
// request keeps its input buffer.
func TestIdleHoldsNoBuffer(t *testing.T) {
	c, loop, rd, wr := serveOne(t)
	held := func() (in, out bool) {
		ch := loopkit.Spawn(loop, future.Lazy(func() ([2]bool, error) {
			dec := rd.Decoder().(*httpCodec)
			return [2]bool{rd.Buffered() != nil || dec.headMem.Held() || dec.bodyMem.Held(), wr.Buffered() != 0}, nil
		}))
		v, _ := loopkit.Await(t, ch)
		return v[0], v[1]
	}
	req, resp := []byte(plaintextReq), make([]byte, len(fixedPlaintext))
	roundTrip(t, c, req, resp)
	if in, out := held(); in || out {
		t.Errorf("idle after a response: input buffer held %v, output buffer held %v; want neither", in, out)
	}
	if _, err := c.Write(req[:10]); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(loopkit.Timeout)
	for in, _ := held(); !in; in, _ = held() {
		if time.Now().After(deadline) {
			t.Fatalf("a partial request was not kept")
		}
		time.Sleep(time.Millisecond)
	}
	roundTrip(t, c, req[10:], resp)
	if string(resp) != fixedPlaintext {
		t.Errorf("response %q; want %q", resp, fixedPlaintext)
	}
}
