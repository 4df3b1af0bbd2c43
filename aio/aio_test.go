package aio_test

import (
	"errors"
	"io"
	"testing"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// step is one answer of a scripted reader or writer: pending (waking the
// task first, so a poll loop makes progress), some bytes, or an error.
type step struct {
	pending bool
	data    string // for reads: the bytes given; for writes: ignored
	n       int    // for writes: bytes accepted
	err     error
}

// script answers PollRead and PollWrite from a list of steps.
type script struct {
	reads, writes []step
	written       []byte
	shutdowns     int
	polls         int
}

func (s *script) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	s.polls++
	if len(s.reads) == 0 {
		return future.Fail[int](io.EOF)
	}
	st := s.reads[0]
	if st.pending {
		s.reads = s.reads[1:]
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	n := copy(p, st.data)
	if n < len(st.data) {
		s.reads[0].data = st.data[n:]
	} else {
		s.reads = s.reads[1:]
	}
	if st.err != nil && n == len(st.data) {
		return future.Result(n, st.err)
	}
	return future.Ok(n)
}

func (s *script) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	s.polls++
	if len(s.writes) == 0 {
		s.written = append(s.written, p...)
		return future.Ok(len(p))
	}
	st := s.writes[0]
	s.writes = s.writes[1:]
	if st.pending {
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	n := min(st.n, len(p))
	s.written = append(s.written, p[:n]...)
	return future.Result(n, st.err)
}

func (s *script) PollFlush(*future.Context) future.Poll[struct{}] { return future.Ok(struct{}{}) }

func (s *script) PollShutdown(*future.Context) future.Poll[struct{}] {
	s.shutdowns++
	return future.Ok(struct{}{})
}

// run polls f until it is ready (testkit.RunPolls), checks that a later
// poll is an error, and returns the result and the number of polls.
func run[T any](t *testing.T, f future.Future[T]) (T, int, error) {
	t.Helper()
	v, polls, err := testkit.RunPolls(t, f)
	cx, _ := testkit.NewContext()
	if again := f.Poll(cx); !errors.Is(again.Err(), future.ErrPolledAfterCompletion) {
		t.Errorf("second Poll = %v; want ErrPolledAfterCompletion", again.Err())
	}
	return v, polls, err
}

var errBoom = errors.New("boom")

func TestWriteAll(t *testing.T) {
	tests := []struct {
		name    string
		writes  []step
		wantN   int
		wantErr error
		want    string
	}{
		{name: "one write", wantN: 5, want: "hello"},
		{name: "partial and pending", writes: []step{{n: 2}, {pending: true}, {n: 1}, {n: 9}}, wantN: 5, want: "hello"},
		{name: "error keeps count", writes: []step{{n: 3}, {err: errBoom}}, wantN: 3, wantErr: errBoom, want: "hel"},
		{name: "zero write", writes: []step{{n: 0}}, wantN: 0, wantErr: io.ErrShortWrite, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &script{writes: tc.writes}
			f := aio.WriteAll(w, []byte("hello"))
			if w.polls != 0 {
				t.Fatal("WriteAll wrote before its first poll")
			}
			n, _, err := run(t, f)
			if n != tc.wantN || !errors.Is(err, tc.wantErr) || string(w.written) != tc.want {
				t.Errorf("WriteAll = %d, %v, wrote %q; want %d, %v, %q", n, err, w.written, tc.wantN, tc.wantErr, tc.want)
			}
		})
	}
}

func TestReadExact(t *testing.T) {
	tests := []struct {
		name    string
		reads   []step
		size    int
		wantN   int
		wantErr error
	}{
		{name: "in pieces", reads: []step{{data: "ab"}, {pending: true}, {data: "cdef"}}, size: 5, wantN: 5},
		{name: "short input", reads: []step{{data: "ab"}}, size: 5, wantN: 2, wantErr: io.ErrUnexpectedEOF},
		{name: "empty input", size: 3, wantN: 0, wantErr: io.EOF},
		{name: "read error", reads: []step{{data: "a"}, {err: errBoom}}, size: 3, wantN: 1, wantErr: errBoom},
		{name: "zero length", size: 0, wantN: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &script{reads: tc.reads}
			buf := make([]byte, tc.size)
			n, _, err := run(t, aio.ReadExact(r, buf))
			if n != tc.wantN || !errors.Is(err, tc.wantErr) {
				t.Errorf("ReadExact = %d, %v; want %d, %v", n, err, tc.wantN, tc.wantErr)
			}
		})
	}
}

func TestReadToEnd(t *testing.T) {
	big := make([]byte, 100000)
	for i := range big {
		big[i] = byte(i)
	}
	r := &script{reads: []step{{data: "x"}, {pending: true}, {data: string(big)}}}
	got, _, err := run(t, aio.ReadToEnd(r))
	if err != nil || len(got) != len(big)+1 || got[0] != 'x' || string(got[1:]) != string(big) {
		t.Fatalf("ReadToEnd = %d bytes, %v; want %d bytes, nil", len(got), err, len(big)+1)
	}
	r = &script{reads: []step{{data: "ab"}, {err: errBoom}}}
	got, _, err = run(t, aio.ReadToEnd(r))
	if string(got) != "ab" || !errors.Is(err, errBoom) {
		t.Errorf("ReadToEnd with an error = %q, %v; want %q, %v", got, err, "ab", errBoom)
	}
}

func TestShutdown(t *testing.T) {
	w := &script{}
	f := aio.Shutdown(w)
	if w.shutdowns != 0 {
		t.Fatal("Shutdown shut down before its first poll")
	}
	if _, _, err := run(t, f); err != nil || w.shutdowns != 1 {
		t.Errorf("Shutdown = %v after %d shutdowns; want nil after 1", err, w.shutdowns)
	}
}

func TestSplit(t *testing.T) {
	rw := &script{reads: []step{{data: "in"}}}
	r, w := aio.Split(rw)
	buf := make([]byte, 4)
	cx := future.NewContext(nil, nil)
	if p := r.PollRead(cx, buf); p.Value() != 2 || string(buf[:2]) != "in" {
		t.Errorf("ReadHalf.PollRead = %v", p)
	}
	if p := r.PollReadReady(cx); !p.IsReady() || p.Err() != nil {
		t.Errorf("ReadHalf.PollReadReady of a reader without readiness = %v; want ready", p)
	}
	if p := w.PollWrite(cx, []byte("out")); p.Value() != 3 || string(rw.written) != "out" {
		t.Errorf("WriteHalf.PollWrite = %v, wrote %q", p, rw.written)
	}
	if p := w.PollFlush(cx); !p.IsReady() {
		t.Errorf("WriteHalf.PollFlush = %v", p)
	}
	if w.PollShutdown(cx); rw.shutdowns != 1 {
		t.Errorf("WriteHalf.PollShutdown did not reach the writer")
	}
}
