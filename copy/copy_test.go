package copy_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

var (
	errRead  = errors.New("read failed")
	errWrite = errors.New("write failed")
	errFlush = errors.New("flush failed")
)

// step is one scripted answer of a reader or a writer.
type step struct {
	data    string // what a read delivers
	limit   int    // most bytes a write accepts; 0 means all of them
	err     error
	pending bool
}

func pending() step { return step{pending: true} }

// scriptReader answers PollRead from its steps, then io.EOF for ever. On a
// pending step it takes the waker and wakes it at once, so the next step is
// due; a test checks that every pending answer came with a wake-up.
type scriptReader struct {
	steps []step
	reads int // calls of PollRead
}

func (r *scriptReader) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	r.reads++
	if len(r.steps) == 0 {
		return future.Fail[int](io.EOF)
	}
	s := r.steps[0]
	r.steps = r.steps[1:]
	if s.pending {
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	if len(s.data) > len(p) {
		// Deliver the rest on the next read.
		r.steps = append([]step{{data: s.data[len(p):], err: s.err}}, r.steps...)
		s.data, s.err = s.data[:len(p)], nil
	}
	return future.Result(copy(p, s.data), s.err)
}

// readyReader is a scriptReader that also answers PollReadReady, from a
// script of its own (ready when the script is empty).
type readyReader struct {
	scriptReader
	ready []step
}

func (r *readyReader) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	if len(r.ready) == 0 {
		return future.Ok(struct{}{})
	}
	s := r.ready[0]
	r.ready = r.ready[1:]
	if s.pending {
		cx.Waker().Wake()
		return future.Pending[struct{}]()
	}
	return future.Fail[struct{}](s.err)
}

// scriptWriter answers PollWrite from its steps (accepting everything once
// they run out) and PollFlush from its flush steps (ready once they run
// out), and keeps what it was given.
type scriptWriter struct {
	steps   []step
	flushes []step
	got     bytes.Buffer
	writes  int
	flushed int // ready answers of PollFlush
}

func (w *scriptWriter) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	w.writes++
	var s step
	if len(w.steps) > 0 {
		s = w.steps[0]
		w.steps = w.steps[1:]
	}
	if s.pending {
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	if s.err != nil {
		return future.Fail[int](s.err)
	}
	n := len(p)
	if s.limit > 0 {
		n = min(n, s.limit)
	} else if s.limit < 0 {
		n = 0
	}
	w.got.Write(p[:n])
	return future.Ok(n)
}

func (w *scriptWriter) PollFlush(cx *future.Context) future.Poll[struct{}] {
	var s step
	if len(w.flushes) > 0 {
		s = w.flushes[0]
		w.flushes = w.flushes[1:]
	}
	if s.pending {
		cx.Waker().Wake()
		return future.Pending[struct{}]()
	}
	w.flushed++
	return future.Fail[struct{}](s.err)
}

func (w *scriptWriter) PollShutdown(*future.Context) future.Poll[struct{}] {
	panic("Copy must not shut its writer down")
}

// result is what a copy ended with, and how it got there.
type result struct {
	N       int64
	Err     error
	Written string
	Flushed int
	Pending int // pending answers of the copy, each with a wake-up
}

// drive runs f to its end by hand (testkit.RunPolls: each pending answer
// must have arranged a wake-up), then checks that it is done for good.
func drive(t *testing.T, f future.Future[int64], w *scriptWriter) result {
	t.Helper()
	var res result
	var polls int
	res.N, polls, res.Err = testkit.RunPolls(t, f)
	res.Pending = polls - 1
	res.Written, res.Flushed = w.got.String(), w.flushed
	// Exactly once: a later poll is an error and touches nothing.
	writes := w.writes
	cx, _ := testkit.NewContext()
	if p := f.Poll(cx); !errors.Is(p.Err(), future.ErrPolledAfterCompletion) {
		t.Errorf("Poll() after completion = %v, %v; want ErrPolledAfterCompletion", p.Value(), p.Err())
	}
	if w.writes != writes {
		t.Errorf("Poll() after completion wrote again")
	}
	if iocopy.HoldsBuffer(f) {
		t.Errorf("Copy holds a buffer after completing")
	}
	return res
}

func TestCopy(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 5000) // 80,000 bytes: more than one buffer
	tests := []struct {
		name    string
		reads   []step
		writes  []step
		flushes []step
		want    result
	}{{
		name: "empty",
		want: result{Flushed: 1},
	}, {
		name:  "two reads",
		reads: []step{{data: "hello, "}, {data: "eddy"}},
		want:  result{N: 11, Written: "hello, eddy", Flushed: 1},
	}, {
		name:  "data with EOF",
		reads: []step{{data: "last", err: io.EOF}},
		want:  result{N: 4, Written: "last", Flushed: 1},
	}, {
		name:  "pending reads",
		reads: []step{pending(), {data: "a"}, pending(), pending(), {data: "bc"}, pending()},
		want:  result{N: 3, Written: "abc", Flushed: 1, Pending: 4},
	}, {
		name:   "partial writes",
		reads:  []step{{data: "abcdefgh"}, {data: "ij"}},
		writes: []step{{limit: 3}, {limit: 1}, {limit: 3}},
		want:   result{N: 10, Written: "abcdefghij", Flushed: 1},
	}, {
		name:   "pending writes",
		reads:  []step{{data: "abcdef"}, {data: "gh"}},
		writes: []step{pending(), {limit: 2}, pending(), pending(), {limit: 2}, {}, pending()},
		want:   result{N: 8, Written: "abcdefgh", Flushed: 1, Pending: 4},
	}, {
		name:  "more than a buffer",
		reads: []step{{data: big}},
		want:  result{N: int64(len(big)), Written: big, Flushed: 1},
	}, {
		name:    "pending flush",
		reads:   []step{{data: "x"}},
		flushes: []step{pending(), pending()},
		want:    result{N: 1, Written: "x", Flushed: 1, Pending: 2},
	}, {
		name:    "flush error",
		reads:   []step{{data: "x"}},
		flushes: []step{{err: errFlush}},
		want:    result{N: 1, Err: errFlush, Written: "x", Flushed: 1},
	}, {
		name:  "read error",
		reads: []step{{data: "abc"}, pending(), {err: errRead}, {data: "never"}},
		want:  result{N: 3, Err: errRead, Written: "abc", Pending: 1},
	}, {
		name:   "write error",
		reads:  []step{{data: "abcdef"}},
		writes: []step{{limit: 4}, {err: errWrite}},
		want:   result{N: 4, Err: errWrite, Written: "abcd"},
	}, {
		name:   "zero write",
		reads:  []step{{data: "abcdef"}},
		writes: []step{{limit: 2}, {limit: -1}},
		want:   result{N: 2, Err: iocopy.ErrWriteZero, Written: "ab"},
	}}
	for _, tt := range tests {
		for _, readiness := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/readiness=%v", tt.name, readiness), func(t *testing.T) {
				sr := scriptReader{steps: append([]step(nil), tt.reads...)}
				var r interface {
					PollRead(*future.Context, []byte) future.Poll[int]
				} = &sr
				if readiness {
					r = &readyReader{scriptReader: sr}
				}
				w := &scriptWriter{steps: tt.writes, flushes: tt.flushes}
				got := drive(t, iocopy.Copy(r, w), w)
				if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
					t.Errorf("Copy() mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestCopyReadinessError checks that an error from PollReadReady ends the
// copy with it, before any read.
func TestCopyReadinessError(t *testing.T) {
	r := &readyReader{ready: []step{pending(), {err: errRead}}}
	w := &scriptWriter{}
	got := drive(t, iocopy.Copy(r, w), w)
	want := result{Err: errRead, Pending: 1}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("Copy() mismatch (-want +got):\n%s", diff)
	}
	if r.reads != 0 {
		t.Errorf("PollRead called %d times; want 0", r.reads)
	}
}

// TestCopyYields checks that a reader that is always ready does not keep
// the task for ever: the copy answers pending, with its task woken, once the
// turn's budget is spent, and loses no byte doing so.
func TestCopyYields(t *testing.T) {
	const chunks = 3 * future.DefaultBudget
	steps := make([]step, chunks)
	var want strings.Builder
	for i := range steps {
		steps[i].data = fmt.Sprintf("chunk %d;", i)
		want.WriteString(steps[i].data)
	}
	r := &scriptReader{steps: steps}
	w := &scriptWriter{}
	got := drive(t, iocopy.Copy(r, w), w)
	if got.Written != want.String() || got.N != int64(want.Len()) || got.Err != nil {
		t.Errorf("Copy() = %d, %v, wrote %d bytes; want %d, nil", got.N, got.Err, len(got.Written), want.Len())
	}
	if got.Pending < 2 {
		t.Errorf("Copy() yielded %d times over %d ready reads; want at least 2", got.Pending, chunks)
	}
}

// TestCopyBufferOnlyWhileBusy checks that a copy holds a buffer only while
// it has data to write: not before the first read, not while the reader
// has nothing, and not once done.
func TestCopyBufferOnlyWhileBusy(t *testing.T) {
	for _, readiness := range []bool{false, true} {
		t.Run(fmt.Sprintf("readiness=%v", readiness), func(t *testing.T) {
			sr := scriptReader{steps: []step{pending(), {data: "abc"}, pending(), {data: "d"}}}
			var r interface {
				PollRead(*future.Context, []byte) future.Poll[int]
			} = &sr
			if readiness {
				r = &readyReader{scriptReader: sr}
			}
			w := &scriptWriter{steps: []step{pending(), {}, pending()}}
			f := iocopy.Copy(r, w)
			cx := future.NewContext(nil, nil)
			if iocopy.HoldsBuffer(f) {
				t.Fatalf("a new Copy holds a buffer")
			}
			want := []struct {
				pending bool
				holds   bool
			}{
				{true, false}, // reader not ready: no buffer
				{true, true},  // "abc" read, write pending: buffer kept
				{true, false}, // "abc" written, reader not ready: buffer released
				{true, true},  // "d" read, write pending
				{false, false},
			}
			for i, w := range want {
				p := f.Poll(cx)
				if p.IsPending() != w.pending || iocopy.HoldsBuffer(f) != w.holds {
					t.Errorf("poll %d: pending = %v, holds buffer = %v; want %v, %v",
						i, p.IsPending(), iocopy.HoldsBuffer(f), w.pending, w.holds)
				}
			}
			if got := w.got.String(); got != "abcd" {
				t.Errorf("wrote %q; want %q", got, "abcd")
			}
		})
	}
}

// TestCopyNilEnds: a nil reader or writer is an error of the copy's first
// poll, not a panic.
func TestCopyNilEnds(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    future.Future[int64]
		want error
	}{
		{"nil reader", iocopy.Copy(nil, &scriptWriter{}), iocopy.ErrNilReader},
		{"nil writer", iocopy.Copy(&scriptReader{}, nil), iocopy.ErrNilWriter},
		{"both nil", iocopy.Copy(nil, nil), iocopy.ErrNilReader},
	} {
		n, _, err := testkit.RunPolls(t, tc.f)
		if n != 0 || !errors.Is(err, tc.want) {
			t.Errorf("%s: Copy = %d, %v; want 0, %v", tc.name, n, err, tc.want)
		}
	}
}

// TestFutureSize keeps an idle copy in the 48-byte size class (its two
// ends and its count; the positions in the buffer live in the pooled
// buffer) and the pooled buffer's data at a whole BufferSize.
func TestFutureSize(t *testing.T) {
	if iocopy.FutureSize > 48 {
		t.Errorf("a Copy's state is %d bytes; want at most 48", iocopy.FutureSize)
	}
	if iocopy.PooledBufferSize != iocopy.BufferSize+8 {
		t.Errorf("the pooled buffer is %d bytes; want BufferSize and two 32-bit positions, %d", iocopy.PooledBufferSize, iocopy.BufferSize+8)
	}
}

// TestReadTakesWholeBuffer: a copy asks its reader for a whole BufferSize
// at once, so that a peer's 32 KiB burst is read in one call and written
// in one, not as 32 KiB less a few bytes and then a tail of its own.
func TestReadTakesWholeBuffer(t *testing.T) {
	burst := bytes.Repeat([]byte{'e'}, iocopy.BufferSize)
	r := &sizeReader{scriptReader: scriptReader{steps: []step{{data: string(burst)}}}}
	w := &scriptWriter{}
	n, _, err := testkit.RunPolls(t, iocopy.Copy(r, w))
	if err != nil || n != int64(len(burst)) {
		t.Fatalf("Copy = %d, %v; want %d, nil", n, err, len(burst))
	}
	if r.first != iocopy.BufferSize {
		t.Errorf("the first read asked for %d bytes; want BufferSize, %d", r.first, iocopy.BufferSize)
	}
	if w.writes != 1 || !bytes.Equal(w.got.Bytes(), burst) {
		t.Errorf("the burst went out in %d writes (%d bytes); want 1 write of %d", w.writes, w.got.Len(), len(burst))
	}
}

// sizeReader is a scriptReader that notes the size of the first buffer it
// is given.
type sizeReader struct {
	scriptReader
	first int
}

func (r *sizeReader) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	if r.reads == 0 {
		r.first = len(p)
	}
	return r.scriptReader.PollRead(cx, p)
}
