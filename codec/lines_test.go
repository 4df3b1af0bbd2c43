package codec_test

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

// collectLines polls a stream to its end, a new turn each poll, and
// returns its lines and its item errors.
func collectLines(t *testing.T, s stream.Stream[string]) ([]string, []error) {
	t.Helper()
	var got []string
	var errs []error
	cx := future.NewContext(nil, nil)
	for range 100000 {
		taskctx.BeginPoll(cx)
		p := s.PollNext(cx)
		switch {
		case p.IsEnd():
			if again := s.PollNext(cx); !again.IsEnd() {
				t.Errorf("PollNext after the end = %v; want the end", again)
			}
			return got, errs
		case p.IsItem() && p.Err() != nil:
			errs = append(errs, p.Err())
		case p.IsItem():
			got = append(got, p.Value())
		}
	}
	t.Fatal("the line stream did not end")
	return nil, nil
}

func TestLines(t *testing.T) {
	tests := []struct {
		name     string
		Reads    []testkit.IOStep
		max      int
		want     []string
		wantErrs []error
	}{
		{name: "empty"},
		{name: "one without newline", Reads: []testkit.IOStep{{Data: "solo"}}, want: []string{"solo"}},
		{name: "crlf and split reads", Reads: []testkit.IOStep{{Data: "a\r"}, {Pending: true}, {Data: "\nb\n\nc"}},
			want: []string{"a", "b", "", "c"}},
		{name: "last line with a carriage return", Reads: []testkit.IOStep{{Data: "x\ny\r"}}, want: []string{"x", "y"}},
		{name: "trailing newline", Reads: []testkit.IOStep{{Data: "x\ny\n"}}, want: []string{"x", "y"}},
		{name: "read error ends it", Reads: []testkit.IOStep{{Data: "ok\npart"}, {Err: errBoom}},
			want: []string{"ok"}, wantErrs: []error{errBoom}},
		{name: "too long, newline in sight", max: 4, Reads: []testkit.IOStep{{Data: "abc\nabcdefgh\nxyz\n"}},
			want: []string{"abc", "xyz"}, wantErrs: []error{codec.ErrLineTooLong}},
		{name: "too long across reads", max: 4, Reads: []testkit.IOStep{{Data: "abc\nabcd"}, {Pending: true}, {Data: "efgh"}, {Pending: true}, {Data: "ij\nxyz"}},
			want: []string{"abc", "xyz"}, wantErrs: []error{codec.ErrLineTooLong}},
		{name: "exactly the maximum with crlf split", max: 4, Reads: []testkit.IOStep{{Data: "abcd\r"}, {Pending: true}, {Data: "\nefgh\r\n"}},
			want: []string{"abcd", "efgh"}},
		{name: "too long at the end", max: 4, Reads: []testkit.IOStep{{Data: "ok\nabcdefgh"}},
			want: []string{"ok"}, wantErrs: []error{codec.ErrLineTooLong}},
		{name: "two too long", max: 2, Reads: []testkit.IOStep{{Data: "abc\nabc\nab\n"}},
			want: []string{"ab"}, wantErrs: []error{codec.ErrLineTooLong, codec.ErrLineTooLong}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &testkit.ScriptIO{Reads: tc.Reads}
			var s stream.Stream[string] = codec.ReadLines(r)
			if tc.max > 0 {
				s = codec.NewFramedRead(r, codec.NewLinesMax(tc.max))
			}
			if r.ReadCalls != 0 {
				t.Fatal("the line stream read before its first poll")
			}
			got, errs := collectLines(t, s)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("lines (-want +got):\n%s", diff)
			}
			if !cmp.Equal(errs, tc.wantErrs, cmp.Comparer(func(a, b error) bool { return errors.Is(a, b) })) {
				t.Errorf("item errors = %v; want %v", errs, tc.wantErrs)
			}
		})
	}
}

func TestLinesBigInput(t *testing.T) {
	var reads []testkit.IOStep
	var want []string
	for i := range 3000 {
		line := string(make([]byte, i%97)) + "z"
		want = append(want, line)
		reads = append(reads, testkit.IOStep{Data: line + "\n"})
		if i%10 == 0 {
			reads = append(reads, testkit.IOStep{Pending: true})
		}
	}
	got, errs := collectLines(t, codec.ReadLines(&testkit.ScriptIO{Reads: reads}))
	if len(errs) != 0 || !cmp.Equal(got, want) {
		t.Fatalf("got %d lines, %v; want %d", len(got), errs, len(want))
	}
}

// TestLinesEncode writes lines with "\n" and refuses one holding a newline.
func TestLinesEncode(t *testing.T) {
	l := codec.NewLines()
	b, err := l.Encode([]byte("> "), "hello")
	if err != nil || string(b) != "> hello\n" {
		t.Errorf("Encode = %q, %v", b, err)
	}
	if b, err := l.Encode(nil, "two\nlines"); !errors.Is(err, codec.ErrNewlineInLine) || len(b) != 0 {
		t.Errorf("Encode of a line with a newline = %q, %v; want ErrNewlineInLine", b, err)
	}
	if got := codec.ErrLineTooLong.Error(); got != "codec: line too long" {
		t.Errorf("ErrLineTooLong = %q", got)
	}
}

// TestLinesKeepsSearchPosition: a partial line is searched for a newline
// only in the bytes that came since the last search.
func TestLinesKeepsSearchPosition(t *testing.T) {
	l := codec.NewLines()
	b := codec.NewBuffer([]byte("0123456789"))
	if _, ok, err := l.Decode(b); ok || err != nil {
		t.Fatalf("Decode of a partial line = %v, %v", ok, err)
	}
	if n := codec.LinesSearched(l); n != 10 {
		t.Errorf("after a partial line of 10 bytes the search resumes at %d; want 10", n)
	}
	// Tell-tale: a newline planted in the searched part is not looked at
	// again (the decoder trusts its position), the new one is found.
	b = codec.NewBuffer([]byte("01234\n6789abc\n"))
	line, ok, err := l.Decode(b)
	if !ok || err != nil || line != "01234\n6789abc" {
		t.Errorf("Decode = %q, %v, %v; want the bytes up to the newline after position 10", line, ok, err)
	}
	if n := codec.LinesSearched(l); n != 0 {
		t.Errorf("after a line the search resumes at %d; want 0", n)
	}
}

// TestLinesIdleHoldsNoBuffer: a line stream whose input is all consumed and
// whose reader answers pending gives its buffer back (contract 9), and
// takes one again when input comes.
func TestLinesIdleHoldsNoBuffer(t *testing.T) {
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{
		{Data: "one\n"}, {Pending: true},
		{Data: "two\nthr"}, {Pending: true},
		{Data: "ee\n"}, {Pending: true},
	}}
	s := codec.ReadLines(r)
	cx := future.NewContext(nil, nil)
	expect := func(want string, holds bool) {
		t.Helper()
		p := s.PollNext(cx)
		if got := describe(p); got != want {
			t.Fatalf("PollNext = %s; want %s", got, want)
		}
		if codec.ReadHoldsBuffer(s) != holds {
			t.Fatalf("after %s, holds a buffer = %v; want %v", want, !holds, holds)
		}
	}
	expect("item one", true)
	expect("pending", false)
	expect("item two", true)
	expect("pending", true) // "thr" is pending: it is data, kept
	expect("item three", true)
	expect("pending", false)
	expect("end", false)
}

func describe(p stream.Poll[string]) string {
	switch {
	case p.IsPending():
		return "pending"
	case p.IsEnd():
		return "end"
	case p.Err() != nil:
		return "err " + p.Err().Error()
	}
	return "item " + p.Value()
}

// TestLinesWaitsForReadiness: on a reader that implements
// aio.ReadinessReader, a line stream asks for readiness before it takes a
// buffer, so a stream parked on a quiet socket holds none, even before its
// first line.
func TestLinesWaitsForReadiness(t *testing.T) {
	r := &readyScript{ScriptIO: testkit.ScriptIO{Reads: []testkit.IOStep{
		{Pending: true},
		{Data: "a\nb"}, {Pending: true},
		{Data: "\n"}, {Pending: true},
		{Data: "c\r\n"},
	}}}
	s := codec.ReadLines(r)
	cx := future.NewContext(nil, nil)
	if p := s.PollNext(cx); !p.IsPending() || codec.ReadHoldsBuffer(s) {
		t.Fatalf("first PollNext = %s, holds %v; want pending with no buffer", describe(p), codec.ReadHoldsBuffer(s))
	}
	got, errs := collectLines(t, s)
	if len(errs) != 0 || !cmp.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("lines = %q, %v; want [a b c]", got, errs)
	}
	if r.readyPolls == 0 {
		t.Error("the line stream never asked its ReadinessReader for readiness")
	}
}

// TestLinesLongLineAcrossIdle: a line longer than the pooled buffer, that
// arrives in pieces with idle periods between them, is kept whole, and the
// maximum still holds for such lines (the stream goes on after it).
func TestLinesLongLineAcrossIdle(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 1000) // 16,000 bytes
	var reads []testkit.IOStep
	for i := 0; i < len(long); i += 3000 {
		reads = append(reads, testkit.IOStep{Data: long[i:min(i+3000, len(long))]}, testkit.IOStep{Pending: true})
	}
	reads = append(reads, testkit.IOStep{Data: "\nshort\n"}, testkit.IOStep{Pending: true},
		testkit.IOStep{Data: long + "\npar"}, testkit.IOStep{Pending: true}, testkit.IOStep{Data: "tial\n"},
		testkit.IOStep{Data: long + "x\n"})
	for _, ready := range []bool{false, true} {
		reader := func() aio.AsyncReader {
			if ready {
				return &readyScript{ScriptIO: testkit.ScriptIO{Reads: append([]testkit.IOStep(nil), reads...)}}
			}
			return &testkit.ScriptIO{Reads: append([]testkit.IOStep(nil), reads...)}
		}
		got, errs := collectLines(t, codec.ReadLines(reader()))
		if len(errs) != 0 || !cmp.Equal(got, []string{long, "short", long, "partial", long + "x"}) {
			t.Errorf("readiness %v: got %d lines, %v; want 5", ready, len(got), errs)
		}
		got, errs = collectLines(t, codec.NewFramedRead(reader(), codec.NewLinesMax(len(long))))
		if len(errs) != 1 || errs[0] != codec.ErrLineTooLong || !cmp.Equal(got, []string{long, "short", long, "partial"}) {
			t.Errorf("readiness %v, max %d: got %d lines, %v; want 4 lines, ErrLineTooLong", ready, len(long), len(got), errs)
		}
		got, errs = collectLines(t, codec.NewFramedRead(reader(), codec.NewLinesMax(5000)))
		if len(errs) != 3 || !cmp.Equal(got, []string{"short", "partial"}) {
			t.Errorf("readiness %v, max 5000: got %q, %v; want [short partial] and 3 ErrLineTooLong", ready, got, errs)
		}
	}
}

// TestLinesSteadyStateAllocs: a line going through an idle and active cycle
// allocates only the returned string.
func TestLinesSteadyStateAllocs(t *testing.T) {
	chunk := []byte("hello, world\n")
	for _, tc := range []struct {
		name string
		r    aio.AsyncReader
	}{
		{"plain reader", &cycleReader{chunk: chunk}},
		{"readiness reader", &cycleReadyReader{cycleReader{chunk: chunk}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := codec.ReadLines(tc.r)
			cx := future.NewContext(nil, nil)
			cycle := func() {
				taskctx.BeginPoll(cx)
				if p := s.PollNext(cx); !p.IsItem() || p.Value() != "hello, world" {
					t.Fatalf("PollNext = %s; want a line", describe(p))
				}
				if p := s.PollNext(cx); !p.IsPending() {
					t.Fatalf("PollNext = %s; want pending", describe(p))
				}
				if codec.ReadHoldsBuffer(s) {
					t.Fatal("the line stream holds a buffer while idle")
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

// hugeLine is a reader of a line of n bytes with no newline, made on the
// fly, then "\nnext line\n", then EOF.
type hugeLine struct {
	reads int
	left  int64
	tail  string
	block []byte
}

func (h *hugeLine) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	h.reads++
	if h.left > 0 {
		n := copy(p[:min(int64(len(p)), h.left)], h.block)
		h.left -= int64(n)
		return future.Ok(n)
	}
	if h.tail == "" {
		return future.Fail[int](io.EOF)
	}
	n := copy(p, h.tail)
	h.tail = h.tail[n:]
	return future.Ok(n)
}

// TestLinesHugeLine: a Lines decoder fed a 1 GiB line without a newline
// (made on the fly, never stored) stays within its maximum in memory,
// reports ErrLineTooLong once, and decodes the next line.
func TestLinesHugeLine(t *testing.T) {
	size := int64(1 << 30)
	if testing.Short() {
		size = 64 << 20
	}
	block := make([]byte, 64<<10)
	for i := range block {
		block[i] = 'x'
	}
	r := &hugeLine{left: size, tail: "\nnext line\n", block: block}
	s := codec.ReadLines(r)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cx := future.NewContext(nil, nil)
	var lines []string
	var errs []error
	maxCap := 0
	for polls := 0; ; polls++ {
		if polls > 10_000_000 {
			t.Fatal("the line stream did not end")
		}
		taskctx.BeginPoll(cx)
		p := s.PollNext(cx)
		maxCap = max(maxCap, codec.ReadBufferCap(s))
		if p.IsEnd() {
			break
		}
		if p.IsItem() && p.Err() != nil {
			errs = append(errs, p.Err())
		} else if p.IsItem() {
			lines = append(lines, p.Value())
		}
	}
	runtime.ReadMemStats(&after)
	if len(errs) != 1 || errs[0] != codec.ErrLineTooLong || !cmp.Equal(lines, []string{"next line"}) {
		t.Errorf("got %q, %v; want [next line] after one ErrLineTooLong", lines, errs)
	}
	if limit := codec.MaxLineLength + 2 + codec.ReadBufferSize; maxCap > limit {
		t.Errorf("the read buffer grew to %d bytes; want at most %d", maxCap, limit)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d-byte line: %d reads, %d bytes allocated, largest read buffer %d bytes", size, r.reads, alloc, maxCap)
	if r.left != 0 || r.tail != "" {
		t.Errorf("the stream ended with %d bytes of the line and %q unread", r.left, r.tail)
	}
	if alloc > 16<<20 {
		t.Errorf("decoding a %d-byte line allocated %d bytes; want under 16 MiB", size, alloc)
	}
}

// TestLinesLimitCRLFAcrossReads: a line of exactly the maximum whose "\r\n"
// arrives split between reads is a line, as when it comes whole (the '\r'
// alone must not make it too long).
func TestLinesLimitCRLFAcrossReads(t *testing.T) {
	dec := codec.NewLinesMax(3)
	if line, ok, err := dec.Decode(codec.NewBuffer([]byte("abc\r"))); ok || err != nil {
		t.Fatalf("Decode(%q) = %q, %v, %v; want need more", "abc\r", line, ok, err)
	}
	src := codec.NewBuffer([]byte("abc\r\n"))
	if line, ok, err := dec.Decode(src); !ok || err != nil || line != "abc" {
		t.Fatalf("Decode(%q) = %q, %v, %v; want %q", "abc\r\n", line, ok, err, "abc")
	}
	if src.Len() != 0 {
		t.Errorf("%d bytes left unconsumed", src.Len())
	}
}
