package codec_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/stream"
)

// strs maps a stream of byte frames to strings, for readable comparisons.
func strs(s stream.Stream[[]byte]) stream.Stream[string] {
	return combinators.MapStream(s, func(b []byte) string { return string(b) })
}

func TestFramedReadBytes(t *testing.T) {
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "ab"}, {Pending: true}, {Data: "cde"}, {Pending: true}, {Data: "f", Err: io.EOF}}}
	s := codec.NewFramedRead(r, codec.Bytes{})
	if r.ReadCalls != 0 {
		t.Fatal("NewFramedRead read before its first poll")
	}
	got := testkit.Drain(t, strs(s))
	want := []string{"item ab", "item cde", "item f", "end"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("frames (-want +got):\n%s", diff)
	}
	if codec.ReadHoldsBuffer(s) {
		t.Error("FramedRead holds a buffer after its end")
	}
	if p := s.PollNext(future.NewContext(nil, nil)); !p.IsEnd() {
		t.Errorf("PollNext after the end = %v; want the end", testkit.DescribeItem(p))
	}
}

// TestFramedReadDecodesAcrossReads: frames split across reads and several
// frames in one read come out whole and in order.
func TestFramedReadDecodesAcrossReads(t *testing.T) {
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "ab"}, {Pending: true}, {Data: "cdefgh"}, {Data: "ijk"}, {Pending: true}, {Data: "l"}}}
	got := testkit.Drain(t, codec.NewFramedRead(r, fixed{n: 3}))
	want := []string{"item abc", "item def", "item ghi", "item jkl", "end"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("frames (-want +got):\n%s", diff)
	}
}

// TestFramedReadTrailingBytes: input that ends inside a frame is a
// *TrailingBytesError with the count, and the stream ends.
func TestFramedReadTrailingBytes(t *testing.T) {
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "abcd"}, {Pending: true}, {Data: "ef"}}}
	s := codec.NewFramedRead(r, fixed{n: 4})
	cx, _ := testkit.NewContext()
	var frames []string
	var last error
	for range 20 {
		p := s.PollNext(cx)
		if p.IsEnd() {
			break
		}
		if p.Err() != nil {
			last = p.Err()
			continue
		}
		if p.IsItem() {
			frames = append(frames, p.Value())
		}
	}
	var te *codec.TrailingBytesError
	if !errors.As(last, &te) || te.N != 2 || !errors.Is(last, codec.ErrTrailingBytes) {
		t.Fatalf("last error = %v; want a *TrailingBytesError of 2 bytes", last)
	}
	if last.Error() != "codec: 2 bytes left over at end of input" {
		t.Errorf("Error() = %q", last.Error())
	}
	if !cmp.Equal(frames, []string{"abcd"}) {
		t.Errorf("frames = %q; want [abcd]", frames)
	}
	if p := s.PollNext(cx); !p.IsEnd() {
		t.Errorf("PollNext after the error = %v; want the end", testkit.DescribeItem(p))
	}
}

// TestFramedReadErrorEnds: a read error is an item error and ends the
// stream; a decoder's error ends it too unless the decoder resumes.
func TestFramedReadErrorEnds(t *testing.T) {
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "abc"}, {Err: errBoom}}}
	got := testkit.Drain(t, codec.NewFramedRead(r, fixed{n: 2}))
	want := []string{"item ab", "err boom", "end"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("frames (-want +got):\n%s", diff)
	}
	bad := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "xyz"}}}
	got = testkit.Drain(t, codec.NewFramedRead(bad, failing{}))
	want = []string{"err failing: bad input", "end"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoder error (-want +got):\n%s", diff)
	}
}

// failing is a decoder whose every answer is an error, and that does not
// resume.
type failing struct{}

func (failing) Decode(src *codec.Buffer) (string, bool, error) {
	return "", false, errors.New("failing: bad input")
}

// TestFramedReadFrameTooLarge: a decoder that needs more than its maximum
// (plus one read) fails the stream with ErrFrameTooLarge, and the buffer
// never grew beyond that.
func TestFramedReadFrameTooLarge(t *testing.T) {
	big := strings.Repeat("x", 100<<10)
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: big}}}
	s := codec.NewFramedRead(r, maxFixed{fixed: fixed{n: 1 << 20}, max: 20 << 10})
	cx, _ := testkit.NewContext()
	var maxCap int
	var err error
	for range 100 {
		p := s.PollNext(cx)
		maxCap = max(maxCap, codec.ReadBufferCap(s))
		if p.IsItem() {
			err = p.Err()
			break
		}
	}
	if !errors.Is(err, codec.ErrFrameTooLarge) {
		t.Fatalf("error = %v; want ErrFrameTooLarge", err)
	}
	if limit := 20<<10 + codec.ReadBufferSize; maxCap > limit {
		t.Errorf("buffer grew to %d bytes; want at most %d", maxCap, limit)
	}
	if p := s.PollNext(cx); !p.IsEnd() {
		t.Errorf("PollNext after ErrFrameTooLarge = %v; want the end", testkit.DescribeItem(p))
	}
}

// TestFramedReadLargeFrame: a frame larger than a pooled buffer grows a
// buffer of its own, and once it is consumed the stream goes back to a
// pooled buffer (and to none while idle).
func TestFramedReadLargeFrame(t *testing.T) {
	frame := strings.Repeat("0123456789abcdef", 3000) // 48,000 bytes
	var reads []testkit.IOStep
	for i := 0; i < len(frame); i += 5000 {
		reads = append(reads, testkit.IOStep{Data: frame[i:min(i+5000, len(frame))]}, testkit.IOStep{Pending: true})
	}
	reads = append(reads, testkit.IOStep{Data: frame + frame[:10]}, testkit.IOStep{Pending: true}, testkit.IOStep{Data: frame[10:]})
	r := &readyScript{ScriptIO: testkit.ScriptIO{Reads: reads}}
	s := codec.NewFramedRead(r, fixed{n: len(frame)})
	cx, _ := testkit.NewContext()
	var n int
	for range 200 {
		p := s.PollNext(cx)
		if p.IsEnd() {
			break
		}
		if p.IsItem() {
			if p.Err() != nil || p.Value() != frame {
				t.Fatalf("PollNext = %v; want the frame", testkit.DescribeItem(p))
			}
			n++
		}
		if n == 2 && p.IsPending() && codec.ReadBufferCap(s) > codec.ReadBufferSize {
			t.Fatalf("the buffer of a consumed large frame is still held (%d bytes)", codec.ReadBufferCap(s))
		}
	}
	if n != 3 {
		t.Errorf("decoded %d frames; want 3", n)
	}
}

// TestFramedReadIdleHoldsNoBuffer: a framed stream whose input is all
// decoded and whose reader answers pending gives its buffer back (contract
// 9); a partial frame is kept. On a ReadinessReader no buffer is taken
// before the reader is ready.
func TestFramedReadIdleHoldsNoBuffer(t *testing.T) {
	for _, ready := range []bool{false, true} {
		steps := []testkit.IOStep{{Pending: true}, {Data: "abcd"}, {Pending: true}, {Data: "ef"}, {Pending: true}, {Data: "gh"}, {Pending: true}}
		var r aio.AsyncReader = &testkit.ScriptIO{Reads: steps}
		if ready {
			r = &readyScript{ScriptIO: testkit.ScriptIO{Reads: steps}}
		}
		s := codec.NewFramedRead(r, fixed{n: 4})
		cx, _ := testkit.NewContext()
		expect := func(want string, holds bool) {
			t.Helper()
			p := s.PollNext(cx)
			if got := testkit.DescribeItem(p); got != want {
				t.Fatalf("readiness %v: PollNext = %s; want %s", ready, got, want)
			}
			if codec.ReadHoldsBuffer(s) != holds {
				t.Fatalf("readiness %v: after %s, holds a buffer = %v; want %v", ready, want, !holds, holds)
			}
		}
		expect("pending", false)
		expect("item abcd", true)
		expect("pending", false)
		expect("pending", true) // "ef": a partial frame, kept
		expect("item efgh", true)
		expect("pending", false)
		expect("end", false)
	}
}

// cycleReader gives one chunk, then answers pending, then the chunk again,
// and so on, allocating nothing; with ready set it is also a
// ReadinessReader.
type cycleReader struct {
	chunk   []byte
	pending bool
}

func (c *cycleReader) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	if c.pending {
		c.pending = false
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	c.pending = true
	return future.Ok(copy(p, c.chunk))
}

type cycleReadyReader struct{ cycleReader }

func (c *cycleReadyReader) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	if c.pending {
		c.pending = false
		cx.Waker().Wake()
		return future.Pending[struct{}]()
	}
	return future.Ok(struct{}{})
}

// TestFramedReadSteadyStateAllocs: a frame going through an idle and
// active cycle allocates only the frame itself; the buffer comes from the
// pool and goes back to it.
func TestFramedReadSteadyStateAllocs(t *testing.T) {
	chunk := []byte("hello, world\n")
	for _, tc := range []struct {
		name string
		r    aio.AsyncReader
	}{
		{"plain reader", &cycleReader{chunk: chunk}},
		{"readiness reader", &cycleReadyReader{cycleReader{chunk: chunk}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := codec.NewFramedRead(tc.r, codec.Bytes{})
			cx := future.NewContext(nil, nil)
			cycle := func() {
				taskctx.BeginPoll(cx) // a new turn: the budget refilled
				if p := s.PollNext(cx); !p.IsItem() || !bytes.Equal(p.Value(), chunk) {
					t.Fatalf("PollNext = %v; want a frame", testkit.DescribeItem(p))
				}
				if p := s.PollNext(cx); !p.IsPending() {
					t.Fatalf("PollNext = %v; want pending", testkit.DescribeItem(p))
				}
				if codec.ReadHoldsBuffer(s) {
					t.Fatal("FramedRead holds a buffer while idle")
				}
			}
			for range 10 {
				cycle()
			}
			if n := testing.AllocsPerRun(1000, cycle); n != 1 {
				t.Errorf("a frame through an idle cycle: %v allocations; want 1 (the frame)", n)
			}
		})
	}
}

// TestFramedReadBudget: an always-ready reader whose bytes never make a
// frame does not keep the poll forever: the stream spends the task's
// budget per read and yields, waking itself.
func TestFramedReadBudget(t *testing.T) {
	r := &endless{}
	s := codec.NewFramedRead(r, skipAll{})
	cx, w := testkit.NewContext()
	if p := s.PollNext(cx); !p.IsPending() {
		t.Fatalf("PollNext = %v; want pending", testkit.DescribeItem(p))
	}
	if r.reads != future.DefaultBudget || w.Count() != 1 {
		t.Errorf("one poll made %d reads and %d wake-ups; want %d and 1", r.reads, w.Count(), future.DefaultBudget)
	}
}

// endless is a reader that always has bytes.
type endless struct{ reads int }

func (e *endless) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	e.reads++
	for i := range p {
		p[i] = 'x'
	}
	return future.Ok(len(p))
}

// skipAll is a decoder that discards its input and makes no frame.
type skipAll struct{}

func (skipAll) Decode(src *codec.Buffer) (string, bool, error) {
	src.Advance(src.Len())
	return "", false, nil
}

// TestFramedReadAbandon gives a partial frame's buffer back at once.
func TestFramedReadAbandon(t *testing.T) {
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "ab"}, {Pending: true}}}
	s := codec.NewFramedRead(r, fixed{n: 4})
	cx, _ := testkit.NewContext()
	if p := s.PollNext(cx); !p.IsPending() || !codec.ReadHoldsBuffer(s) {
		t.Fatalf("PollNext = %v, holds %v; want pending with a partial frame", testkit.DescribeItem(p), codec.ReadHoldsBuffer(s))
	}
	future.Abandon(s)
	if codec.ReadHoldsBuffer(s) {
		t.Error("an abandoned FramedRead holds its buffer")
	}
	if p := s.PollNext(cx); !p.IsEnd() {
		t.Errorf("PollNext after Abandon = %v; want the end", testkit.DescribeItem(p))
	}
	future.Abandon(s) // harmless
}

// TestFramedWrite: frames are encoded into the buffer, written on flush,
// the writer flushed, and the buffer released; close shuts down.
func TestFramedWrite(t *testing.T) {
	w := &testkit.ScriptIO{Writes: []testkit.IOStep{{N: 2}, {Pending: true}, {N: 100}}}
	s := codec.NewFramedWrite(w, fixed{n: 3})
	for _, frame := range []string{"abc", "def"} {
		if _, err := testkit.Run(t, combinators.SinkSend[string](s, frame)); err != nil {
			t.Fatalf("SinkSend(%q) = %v", frame, err)
		}
	}
	if err := s.StartSend("toolong"); err == nil || err.Error() != "fixed: frame of 7 bytes" {
		t.Errorf("StartSend of a frame the encoder refuses = %v", err)
	}
	if string(w.Written) != "abcdef" || w.Flushes != 2 {
		t.Errorf("written %q with %d flushes; want abcdef, 2", w.Written, w.Flushes)
	}
	if codec.WriteHoldsBuffer(s) {
		t.Error("FramedWrite holds a buffer after a flush")
	}
	if _, err := testkit.Run(t, future.PollFn(s.PollClose)); err != nil || w.Shutdowns != 1 {
		t.Fatalf("PollClose = %v after %d shutdowns", err, w.Shutdowns)
	}
	cx, _ := testkit.NewContext()
	if err := s.StartSend("ghi"); !errors.Is(err, codec.ErrClosed) {
		t.Errorf("StartSend after close = %v; want ErrClosed", err)
	}
	if p := s.PollReady(cx); !errors.Is(p.Err(), codec.ErrClosed) {
		t.Errorf("PollReady after close = %v; want ErrClosed", testkit.Describe(p))
	}
	if p := s.PollClose(cx); !p.IsReady() || p.Err() != nil {
		t.Errorf("PollClose again = %v; want ok", testkit.Describe(p))
	}
}

// TestFramedWriteError: a write error fails the sink for good.
func TestFramedWriteError(t *testing.T) {
	w := &testkit.ScriptIO{Writes: []testkit.IOStep{{N: 1, Err: errBoom}}}
	s := codec.NewFramedWrite(w, codec.Bytes{})
	cx, _ := testkit.NewContext()
	if err := s.StartSend([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	if p := s.PollFlush(cx); !errors.Is(p.Err(), errBoom) {
		t.Fatalf("PollFlush = %v; want boom", testkit.Describe(p))
	}
	if err := s.StartSend([]byte("x")); !errors.Is(err, errBoom) {
		t.Errorf("StartSend after a write error = %v; want boom", err)
	}
	if p := s.PollReady(cx); !errors.Is(p.Err(), errBoom) {
		t.Errorf("PollReady after a write error = %v; want boom", testkit.Describe(p))
	}
	zero := codec.NewFramedWrite(&testkit.ScriptIO{Writes: []testkit.IOStep{{N: 0}}}, codec.Bytes{})
	if err := zero.StartSend([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	if p := zero.PollFlush(cx); !errors.Is(p.Err(), io.ErrShortWrite) {
		t.Errorf("PollFlush on a writer taking 0 bytes = %v; want ErrShortWrite", testkit.Describe(p))
	}
}

// gate is a writer that accepts nothing while shut, parking the waker, and
// everything once opened (waking the parked waker).
type gate struct {
	open    bool
	parked  future.Waker
	written int
}

func (g *gate) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	if !g.open {
		g.parked = cx.Waker()
		return future.Pending[int]()
	}
	g.written += len(p)
	return future.Ok(len(p))
}

func (g *gate) PollFlush(*future.Context) future.Poll[struct{}]    { return future.Ok(struct{}{}) }
func (g *gate) PollShutdown(*future.Context) future.Poll[struct{}] { return future.Ok(struct{}{}) }

func (g *gate) Open() {
	g.open = true
	if w := g.parked; w != nil {
		g.parked = nil
		w.Wake()
	}
}

// TestFramedWriteBackpressure: a sink whose writer accepts nothing takes
// frames until its buffer reaches the high-water mark, then answers
// pending with the waker parked in the writer, and is woken and ready once
// the writer drains it.
func TestFramedWriteBackpressure(t *testing.T) {
	for _, high := range []int{0, 1000} {
		g := &gate{}
		s := codec.NewFramedWrite(g, codec.Bytes{})
		mark := codec.DefaultHighWaterMark
		if high > 0 {
			s.SetHighWaterMark(high)
			mark = high
		}
		cx, w := testkit.NewContext()
		frame := make([]byte, 100)
		sent := 0
		for range 1 << 20 {
			p := s.PollReady(cx)
			if p.IsPending() {
				break
			}
			if err := s.StartSend(frame); err != nil {
				t.Fatal(err)
			}
			sent += len(frame)
		}
		if want := (mark + 99) / 100 * 100; sent != want || s.Buffered() != want {
			t.Fatalf("mark %d: accepted %d bytes (buffered %d) before pending; want %d", mark, sent, s.Buffered(), want)
		}
		if g.parked == nil {
			t.Fatal("PollReady is pending with no waker parked in the writer")
		}
		g.Open()
		if w.Count() != 1 {
			t.Fatalf("the writer's drain woke the task %d times; want 1", w.Count())
		}
		if p := s.PollReady(cx); !p.IsReady() || p.Err() != nil {
			t.Fatalf("PollReady after the drain = %v; want ok", testkit.Describe(p))
		}
		if g.written != sent || s.Buffered() != 0 || codec.WriteHoldsBuffer(s) {
			t.Errorf("after the drain: written %d, buffered %d, holds %v; want %d, 0, false", g.written, s.Buffered(), codec.WriteHoldsBuffer(s), sent)
		}
	}
}

// TestFramedWriteSteadyStateAllocs: sending and flushing a frame allocates
// nothing.
func TestFramedWriteSteadyStateAllocs(t *testing.T) {
	g := &gate{open: true}
	s := codec.NewFramedWrite(g, codec.Bytes{})
	cx := future.NewContext(nil, nil)
	frame := []byte("hello, world\n")
	cycle := func() {
		if p := s.PollReady(cx); !p.IsReady() {
			t.Fatal("PollReady not ready")
		}
		if err := s.StartSend(frame); err != nil {
			t.Fatal(err)
		}
		if p := s.PollFlush(cx); !p.IsReady() || p.Err() != nil {
			t.Fatalf("PollFlush = %v", testkit.Describe(p))
		}
	}
	for range 10 {
		cycle()
	}
	if n := testing.AllocsPerRun(1000, cycle); n != 0 {
		t.Errorf("a frame sent and flushed: %v allocations; want 0", n)
	}
}

// TestFramedWriteAbandon drops the unwritten output and the buffer.
func TestFramedWriteAbandon(t *testing.T) {
	s := codec.NewFramedWrite(&gate{}, codec.Bytes{})
	if err := s.StartSend([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	future.Abandon(s)
	if codec.WriteHoldsBuffer(s) || s.Buffered() != 0 {
		t.Error("an abandoned FramedWrite holds its buffer")
	}
}

// TestFramedSplitAndUpgrade: a Framed's halves are its own; an upgrade to
// a codec of another frame type keeps the bytes read and not yet decoded,
// and the output not yet written.
func TestFramedSplitAndUpgrade(t *testing.T) {
	rw := &testkit.ScriptIO{
		Reads:  []testkit.IOStep{{Data: "ab"}, {Data: "cdefghij"}},
		Writes: []testkit.IOStep{{Pending: true}},
	}
	f := codec.NewFramed(rw, fixed{n: 2})
	r, w := f.Split()
	cx, _ := testkit.NewContext()
	if p := r.PollNext(cx); testkit.DescribeItem(p) != "item ab" {
		t.Fatalf("PollNext = %s; want item ab", testkit.DescribeItem(p))
	}
	if p := f.PollNext(cx); testkit.DescribeItem(p) != "item cd" {
		t.Fatalf("Framed.PollNext = %s; want item cd", testkit.DescribeItem(p))
	}
	if err := w.StartSend("xy"); err != nil {
		t.Fatal(err)
	}
	if p := f.PollFlush(cx); !p.IsPending() {
		t.Fatalf("PollFlush = %s; want pending", testkit.Describe(p))
	}
	// "efghij" is buffered, "xy" is waiting: upgrade to bytes frames.
	g := codec.Upgrade(f, codec.Bytes{})
	gr, _ := g.Split()
	if got := string(gr.Buffered()); got != "efghij" {
		t.Errorf("the upgraded Framed starts with %q buffered; want efghij", got)
	}
	if p := f.PollNext(cx); !p.IsEnd() {
		t.Errorf("the old Framed's PollNext = %s; want the end", testkit.DescribeItem(p))
	}
	if err := f.StartSend("zz"); !errors.Is(err, codec.ErrClosed) {
		t.Errorf("the old Framed's StartSend = %v; want ErrClosed", err)
	}
	got := testkit.Drain(t, strs(g))
	if diff := cmp.Diff([]string{"item efghij", "end"}, got); diff != "" {
		t.Errorf("upgraded frames (-want +got):\n%s", diff)
	}
	if err := g.StartSend([]byte("!")); err != nil {
		t.Fatal(err)
	}
	if _, err := testkit.Run(t, future.PollFn(g.PollClose)); err != nil {
		t.Fatal(err)
	}
	if string(rw.Written) != "xy!" || rw.Shutdowns != 1 {
		t.Errorf("written %q, %d shutdowns; want xy!, 1", rw.Written, rw.Shutdowns)
	}
}

// TestFramedSetCodec swaps a codec of the same frame types in place.
func TestFramedSetCodec(t *testing.T) {
	rw := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "abcdefg"}}}
	f := codec.NewFramed(rw, fixed{n: 2})
	cx, _ := testkit.NewContext()
	if p := f.PollNext(cx); testkit.DescribeItem(p) != "item ab" {
		t.Fatalf("PollNext = %s", testkit.DescribeItem(p))
	}
	f.SetCodec(fixed{n: 5})
	got := testkit.Drain(t, stream.Stream[string](f))
	if diff := cmp.Diff([]string{"item cdefg", "end"}, got); diff != "" {
		t.Errorf("frames after SetCodec (-want +got):\n%s", diff)
	}
	if err := f.StartSend("hello"); err != nil {
		t.Errorf("StartSend with the new codec = %v", err)
	}
}

// TestFramedOverSocket sends frames both ways through a real socket pair.
func TestFramedOverSocket(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	a, b, err := socket.UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	client := codec.NewFramed(a, fixed{n: 5})
	server := codec.NewFramed(b, fixed{n: 5})
	frames := []string{"hello", "world", "12345"}
	send := combinators.AndThen(combinators.SinkSendAll(client, stream.FromSlice(frames)), func(struct{}) future.Future[struct{}] {
		return future.PollFn(client.PollClose)
	})
	echo := combinators.Forward(server, server)
	read := combinators.Collect(client)
	res, err := loopkit.Block(t, loop, combinators.Join(combinators.Join(send, echo), read))
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(res.Second, frames) {
		t.Errorf("echoed %q; want %q", res.Second, frames)
	}
}
