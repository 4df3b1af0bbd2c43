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
		Writes  []testkit.IOStep
		wantN   int
		wantErr error
		want    string
	}{
		{name: "one write", wantN: 5, want: "hello"},
		{name: "partial and pending", Writes: []testkit.IOStep{{N: 2}, {Pending: true}, {N: 1}, {N: 9}}, wantN: 5, want: "hello"},
		{name: "error keeps count", Writes: []testkit.IOStep{{N: 3}, {Err: errBoom}}, wantN: 3, wantErr: errBoom, want: "hel"},
		{name: "zero write", Writes: []testkit.IOStep{{N: 0}}, wantN: 0, wantErr: io.ErrShortWrite, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &testkit.ScriptIO{Writes: tc.Writes}
			f := aio.WriteAll(w, []byte("hello"))
			if w.WriteCalls != 0 {
				t.Fatal("WriteAll wrote before its first poll")
			}
			n, _, err := run(t, f)
			if n != tc.wantN || !errors.Is(err, tc.wantErr) || string(w.Written) != tc.want {
				t.Errorf("WriteAll = %d, %v, wrote %q; want %d, %v, %q", n, err, w.Written, tc.wantN, tc.wantErr, tc.want)
			}
		})
	}
}

func TestReadExact(t *testing.T) {
	tests := []struct {
		name    string
		Reads   []testkit.IOStep
		size    int
		wantN   int
		wantErr error
	}{
		{name: "in pieces", Reads: []testkit.IOStep{{Data: "ab"}, {Pending: true}, {Data: "cdef"}}, size: 5, wantN: 5},
		{name: "short input", Reads: []testkit.IOStep{{Data: "ab"}}, size: 5, wantN: 2, wantErr: io.ErrUnexpectedEOF},
		{name: "empty input", size: 3, wantN: 0, wantErr: io.EOF},
		{name: "read error", Reads: []testkit.IOStep{{Data: "a"}, {Err: errBoom}}, size: 3, wantN: 1, wantErr: errBoom},
		{name: "zero length", size: 0, wantN: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &testkit.ScriptIO{Reads: tc.Reads}
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
	r := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "x"}, {Pending: true}, {Data: string(big)}}}
	got, _, err := run(t, aio.ReadToEnd(r))
	if err != nil || len(got) != len(big)+1 || got[0] != 'x' || string(got[1:]) != string(big) {
		t.Fatalf("ReadToEnd = %d bytes, %v; want %d bytes, nil", len(got), err, len(big)+1)
	}
	r = &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "ab"}, {Err: errBoom}}}
	got, _, err = run(t, aio.ReadToEnd(r))
	if string(got) != "ab" || !errors.Is(err, errBoom) {
		t.Errorf("ReadToEnd with an error = %q, %v; want %q, %v", got, err, "ab", errBoom)
	}
}

func TestShutdown(t *testing.T) {
	w := &testkit.ScriptIO{}
	f := aio.Shutdown(w)
	if w.Shutdowns != 0 {
		t.Fatal("Shutdown shut down before its first poll")
	}
	if _, _, err := run(t, f); err != nil || w.Shutdowns != 1 {
		t.Errorf("Shutdown = %v after %d shutdowns; want nil after 1", err, w.Shutdowns)
	}
}

func TestSplit(t *testing.T) {
	rw := &testkit.ScriptIO{Reads: []testkit.IOStep{{Data: "in"}}}
	r, w := aio.Split(rw)
	buf := make([]byte, 4)
	cx := future.NewContext(nil, nil)
	if p := r.PollRead(cx, buf); p.Value() != 2 || string(buf[:2]) != "in" {
		t.Errorf("ReadHalf.PollRead = %v", p)
	}
	if p := r.PollReadReady(cx); !p.IsReady() || p.Err() != nil {
		t.Errorf("ReadHalf.PollReadReady of a reader without readiness = %v; want ready", p)
	}
	if p := w.PollWrite(cx, []byte("out")); p.Value() != 3 || string(rw.Written) != "out" {
		t.Errorf("WriteHalf.PollWrite = %v, wrote %q", p, rw.Written)
	}
	if p := w.PollFlush(cx); !p.IsReady() {
		t.Errorf("WriteHalf.PollFlush = %v", p)
	}
	if w.PollShutdown(cx); rw.Shutdowns != 1 {
		t.Errorf("WriteHalf.PollShutdown did not reach the writer")
	}
}
