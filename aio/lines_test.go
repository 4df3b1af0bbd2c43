package aio_test

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

// readyScript is a script that also implements aio.ReadinessReader, as
// sockets do: it is not ready while its next step is pending, and it counts
// the reads that found nothing (a socket's wasted system calls).
type readyScript struct {
	script
	readyPolls int
	emptyReads int
}

func (s *readyScript) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	s.readyPolls++
	if len(s.reads) > 0 && s.reads[0].pending {
		s.reads = s.reads[1:]
		cx.Waker().Wake()
		return future.Pending[struct{}]()
	}
	return future.Ok(struct{}{})
}

func (s *readyScript) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	if len(s.reads) > 0 && s.reads[0].pending {
		s.emptyReads++
	}
	return s.script.PollRead(cx, p)
}

// pollLine polls s once and checks its answer: a line, or pending.
func pollLine(t *testing.T, cx *future.Context, s stream.Stream[string], want string) {
	t.Helper()
	p := s.PollNext(cx)
	switch {
	case want == "" && !p.IsPending():
		t.Fatalf("PollNext = %v; want pending", p)
	case want != "" && (!p.IsItem() || p.Err() != nil || p.Value() != want):
		t.Fatalf("PollNext = %v; want the line %q", p, want)
	}
}

// TestLinesIdleHoldsNoBuffer: a Lines stream whose input is all consumed and
// whose reader answers pending gives its buffer back (contract 9: an idle
// connection holds no buffer), and takes one again when input comes.
func TestLinesIdleHoldsNoBuffer(t *testing.T) {
	r := &script{reads: []step{
		{data: "one\n"}, {pending: true},
		{data: "two\nthr"}, {pending: true},
		{data: "ee\n"}, {pending: true},
	}}
	s := aio.Lines(r)
	cx := future.NewContext(nil, nil)
	pollLine(t, cx, s, "one")
	pollLine(t, cx, s, "")
	if aio.LinesHoldsBuffer(s) {
		t.Error("Lines holds a buffer while idle after a consumed line")
	}
	pollLine(t, cx, s, "two")
	pollLine(t, cx, s, "") // "thr" is pending: it is data, kept
	if !aio.LinesHoldsBuffer(s) {
		t.Error("Lines dropped a buffer holding a partial line")
	}
	pollLine(t, cx, s, "three")
	pollLine(t, cx, s, "")
	if aio.LinesHoldsBuffer(s) {
		t.Error("Lines holds a buffer while idle after a completed partial line")
	}
	if p := s.PollNext(cx); !p.IsEnd() {
		t.Errorf("PollNext at EOF = %v; want the end", p)
	}
	if aio.LinesHoldsBuffer(s) {
		t.Error("Lines holds a buffer after its end")
	}
}

// TestLinesWaitsForReadiness: on a reader that implements
// aio.ReadinessReader, a Lines stream asks for readiness before it takes a
// buffer, so a stream parked on a quiet socket holds none, even before its
// first line, and reads only when the reader is ready.
func TestLinesWaitsForReadiness(t *testing.T) {
	r := &readyScript{script: script{reads: []step{
		{pending: true},
		{data: "a\nb"}, {pending: true},
		{data: "\n"}, {pending: true},
		{data: "c\r\n"},
	}}}
	s := aio.Lines(r)
	cx := future.NewContext(nil, nil)
	pollLine(t, cx, s, "")
	if aio.LinesHoldsBuffer(s) {
		t.Error("Lines took a buffer before its reader was ready")
	}
	pollLine(t, cx, s, "a")
	pollLine(t, cx, s, "") // a partial "b": kept across the idle period
	if !aio.LinesHoldsBuffer(s) {
		t.Error("Lines dropped a buffer holding a partial line")
	}
	pollLine(t, cx, s, "b")
	pollLine(t, cx, s, "")
	if aio.LinesHoldsBuffer(s) {
		t.Error("Lines holds a buffer while parked on a reader that is not ready")
	}
	got, errs := collectLines(t, s)
	if len(errs) != 0 || !cmp.Equal(got, []string{"c"}) {
		t.Errorf("rest = %q, %v; want [c]", got, errs)
	}
	if r.readyPolls == 0 {
		t.Error("Lines never asked its ReadinessReader for readiness")
	}
	// The one empty read allowed is the partial line's: it holds a buffer
	// anyway and reads on.
	if r.emptyReads > 1 {
		t.Errorf("Lines read %d times from a reader known not ready; want at most 1", r.emptyReads)
	}
}

// TestLinesLongLineAcrossIdle: a line longer than the pooled buffer, that
// arrives in pieces with idle periods between them, is kept whole, and the
// limit still holds for such lines.
func TestLinesLongLineAcrossIdle(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 1000) // 16,000 bytes
	var reads []step
	for i := 0; i < len(long); i += 3000 {
		reads = append(reads, step{data: long[i:min(i+3000, len(long))]}, step{pending: true})
	}
	reads = append(reads, step{data: "\nshort\n"}, step{pending: true},
		step{data: long + "\npar"}, step{pending: true}, step{data: "tial\n"},
		step{data: long + "x\n"})
	want := []string{long, "short", long, "partial"}
	for _, ready := range []bool{false, true} {
		var r aio.AsyncReader = &script{reads: append([]step(nil), reads...)}
		if ready {
			r = &readyScript{script: script{reads: append([]step(nil), reads...)}}
		}
		got, errs := collectLines(t, aio.Lines(r))
		if len(errs) != 0 || !cmp.Equal(got, append(want, long+"x")) {
			t.Errorf("readiness %v: got %d lines, %v; want %d", ready, len(got), errs, len(want)+1)
		}
		var r2 aio.AsyncReader = &script{reads: append([]step(nil), reads...)}
		if ready {
			r2 = &readyScript{script: script{reads: append([]step(nil), reads...)}}
		}
		got, errs = collectLines(t, aio.LinesLimit(r2, len(long)))
		if len(errs) != 1 || errs[0] != aio.ErrLineTooLong || !cmp.Equal(got, want) {
			t.Errorf("readiness %v, limit %d: got %d lines, %v; want %d lines, ErrLineTooLong", ready, len(long), len(got), errs, len(want))
		}
		var r3 aio.AsyncReader = &script{reads: append([]step(nil), reads...)}
		if ready {
			r3 = &readyScript{script: script{reads: append([]step(nil), reads...)}}
		}
		got, errs = collectLines(t, aio.LinesLimit(r3, 5000))
		if len(errs) != 1 || errs[0] != aio.ErrLineTooLong || len(got) != 0 {
			t.Errorf("readiness %v, limit 5000: got %d lines, %v; want none, ErrLineTooLong", ready, len(got), errs)
		}
	}
}

// TestLinesLongLineGivesBack: once a line longer than the pooled buffer is
// consumed, a partial line after it is kept in a pooled buffer, not in the
// long line's.
func TestLinesLongLineGivesBack(t *testing.T) {
	long := strings.Repeat("x", 20000)
	r := &script{reads: []step{{data: long + "\npar"}, {pending: true}, {data: "tial\n"}, {pending: true}}}
	s := aio.Lines(r)
	cx := future.NewContext(nil, nil)
	for range 10 {
		if p := s.PollNext(cx); p.IsItem() {
			if p.Value() != long {
				t.Fatalf("PollNext = %v; want the long line", p)
			}
			break
		}
	}
	pollLine(t, cx, s, "")
	if n := aio.LinesBufferCap(s); n == 0 || n > 4096 {
		t.Errorf("a partial line after a long one is held in %d bytes; want a pooled buffer", n)
	}
	pollLine(t, cx, s, "partial")
	pollLine(t, cx, s, "")
	if aio.LinesHoldsBuffer(s) {
		t.Error("Lines holds a buffer while idle")
	}
}

// cycleReader gives one line, then answers pending, then the line again,
// and so on, allocating nothing.
type cycleReader struct {
	line    string
	pending bool // the next answer is pending
}

func (c *cycleReader) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	if c.pending {
		c.pending = false
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	c.pending = true
	return future.Ok(copy(p, c.line))
}

// cycleReadyReader is a cycleReader that also implements
// aio.ReadinessReader: it is not ready where the cycleReader would answer
// pending.
type cycleReadyReader struct{ cycleReader }

func (c *cycleReadyReader) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	if c.pending {
		c.pending = false
		cx.Waker().Wake()
		return future.Pending[struct{}]()
	}
	return future.Ok(struct{}{})
}

// TestLinesSteadyStateAllocs: a line going through an idle and active cycle
// (the reader pending, then ready with a line) allocates only the returned
// string; the buffer comes from the pool and goes back to it.
func TestLinesSteadyStateAllocs(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    aio.AsyncReader
	}{
		{"plain reader", &cycleReader{line: "hello, world\n"}},
		{"readiness reader", &cycleReadyReader{cycleReader{line: "hello, world\n"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := aio.Lines(tc.r)
			cx := future.NewContext(nil, nil)
			cycle := func() {
				if p := s.PollNext(cx); !p.IsItem() || p.Value() != "hello, world" {
					t.Fatalf("PollNext = %v; want a line", p)
				}
				if p := s.PollNext(cx); !p.IsPending() {
					t.Fatalf("PollNext = %v; want pending", p)
				}
				if aio.LinesHoldsBuffer(s) {
					t.Fatal("Lines holds a buffer while idle")
				}
			}
			for range 10 {
				cycle()
			}
			if n := testing.AllocsPerRun(1000, cycle); n != 1 {
				t.Errorf("a line through an idle cycle: %v allocations; want 1 (the line)", n)
			}
		})
	}
}

// TestLinesLimitCRLFAcrossReads: a line of exactly the limit whose "\r\n"
// is split between two reads is a line, as when it comes in one read; it
// used to be refused as too long once its '\r' was buffered.
func TestLinesLimitCRLFAcrossReads(t *testing.T) {
	for _, sizes := range [][]byte{{255}, {3, 0}} { // "abc\r\n" in one read; "abc\r", then "\n"
		cx, _ := testkit.NewContext()
		s := aio.LinesLimit(&chunkReader{data: []byte("abc\r\nde\r"), sizes: sizes}, 3)
		var got []string
		for range 20 {
			p := s.PollNext(cx)
			if p.IsPending() {
				continue
			}
			if p.IsEnd() || p.Err() != nil {
				if err := p.Err(); err != nil {
					t.Errorf("pieces %v: error %v after %q", sizes, err, got)
				}
				break
			}
			got = append(got, p.Value())
		}
		if diff := cmp.Diff([]string{"abc", "de"}, got); diff != "" {
			t.Errorf("pieces %v: lines (-want +got):\n%s", sizes, diff)
		}
	}
}

// chunkReader serves data in the pieces that sizes says (each byte of
// sizes is a piece of 1 to 256 bytes, cycled), answering pending before a
// piece whenever the size byte is odd, and waking its task at once.
type chunkReader struct {
	data, sizes []byte
	i           int
	waited      bool
}

func (c *chunkReader) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	if len(c.data) == 0 {
		return future.Result(0, io.EOF)
	}
	size := 1 << 16
	if len(c.sizes) > 0 {
		b := c.sizes[c.i%len(c.sizes)]
		if b%2 == 1 && !c.waited {
			c.waited = true
			cx.Waker().Wake()
			return future.Pending[int]()
		}
		c.waited = false
		c.i++
		size = int(b) + 1
	}
	n := copy(p[:min(len(p), size)], c.data)
	c.data = c.data[n:]
	return future.Ok(n)
}
