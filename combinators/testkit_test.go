package combinators_test

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/stream"
)

var (
	errBoom  = errors.New("boom")
	errOther = errors.New("other")
	errNil   = errors.New("make the callback return nil")
)

// countingWaker counts its wake-ups.
type countingWaker struct{ n atomic.Int64 }

func (w *countingWaker) Wake() { w.n.Add(1) }

func (w *countingWaker) count() int { return int(w.n.Load()) }

// scriptFuture answers its polls from a script of steps. On a pending step it
// wakes the waker it was given before answering (as future.Yield does), so the
// next step is always due. It counts its polls.
type scriptFuture[T any] struct {
	steps []future.Poll[T]
	polls int
}

func newFuture[T any](steps ...future.Poll[T]) *scriptFuture[T] {
	return &scriptFuture[T]{steps: steps}
}

func (s *scriptFuture[T]) Poll(cx *future.Context) future.Poll[T] {
	s.polls++
	if len(s.steps) == 0 {
		return future.Fail[T](future.ErrPolledAfterCompletion)
	}
	p := s.steps[0]
	s.steps = s.steps[1:]
	if p.IsPending() {
		cx.Waker().Wake()
	} else {
		s.steps = nil
	}
	return p
}

// scriptStream answers its polls from a script of steps, then the end. Like
// scriptFuture it wakes its waker on pending and counts its polls.
type scriptStream[T any] struct {
	steps []stream.Poll[T]
	polls int
}

func newStream[T any](steps ...stream.Poll[T]) *scriptStream[T] {
	return &scriptStream[T]{steps: steps}
}

func (s *scriptStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	s.polls++
	if len(s.steps) == 0 {
		return stream.End[T]()
	}
	p := s.steps[0]
	s.steps = s.steps[1:]
	if p.IsPending() {
		cx.Waker().Wake()
	}
	return p
}

// items returns stream steps holding the values vs.
func items[T any](vs ...T) []stream.Poll[T] {
	ps := make([]stream.Poll[T], len(vs))
	for i, v := range vs {
		ps[i] = stream.Item(v)
	}
	return ps
}

// show renders a future poll as "pending", "ok V" or "err E".
func show[T any](p future.Poll[T]) string {
	switch {
	case p.IsPending():
		return "pending"
	case p.Err() != nil:
		return "err " + p.Err().Error()
	}
	return fmt.Sprintf("ok %v", p.Value())
}

// showItem renders a stream poll as "pending", "item V", "err E" or "end".
func showItem[T any](p stream.Poll[T]) string {
	switch {
	case p.IsPending():
		return "pending"
	case p.IsEnd():
		return "end"
	case p.Err() != nil:
		return "err " + p.Err().Error()
	}
	return fmt.Sprintf("item %v", p.Value())
}

const afterDone = "err " + "future: polled after completion"

// pollN polls f n times with a fresh task context per poll and returns what
// each poll answered. A pending answer must come with the waker taken and
// woken (every leaf of the kit wakes at once), or the test fails.
func pollN[T any](t *testing.T, f future.Future[T], n int) []string {
	t.Helper()
	return pollEach(t, n, func(cx *future.Context) (string, bool) {
		p := f.Poll(cx)
		return show(p), p.IsPending()
	})
}

// pollStreamN is pollN for streams.
func pollStreamN[T any](t *testing.T, s stream.Stream[T], n int) []string {
	t.Helper()
	return pollEach(t, n, func(cx *future.Context) (string, bool) {
		p := s.PollNext(cx)
		return showItem(p), p.IsPending()
	})
}

// pollEach makes n polls with poll, checking that every pending answer
// arranged its wake-up, and returns what each answered.
func pollEach(t *testing.T, n int, poll func(*future.Context) (string, bool)) []string {
	t.Helper()
	w := &countingWaker{}
	cx := future.NewContext(w, nil)
	var got []string
	for range n {
		taskctx.BeginPoll(cx)
		before := w.count()
		answer, pending := poll(cx)
		if pending && (!taskctx.WakerTaken(cx) || w.count() == before) {
			t.Errorf("poll %d: pending with no wake-up arranged", len(got)+1)
		}
		if st := taskctx.StalledChild(cx); pending && st != nil {
			t.Errorf("poll %d: pending with a child (%v) that arranged no wake-up", len(got)+1, st)
		}
		got = append(got, answer)
	}
	return got
}

// run polls f until it is ready, as a driver would, and returns its result.
func run[T any](t *testing.T, f future.Future[T]) (T, error) {
	t.Helper()
	w := &countingWaker{}
	cx := future.NewContext(w, nil)
	for range 10000 {
		taskctx.BeginPoll(cx)
		before := w.count()
		p := f.Poll(cx)
		if p.IsReady() {
			return p.Result()
		}
		if !taskctx.WakerTaken(cx) || w.count() == before {
			t.Fatalf("Poll() = pending with no wake-up arranged")
		}
		if st := taskctx.StalledChild(cx); st != nil {
			t.Fatalf("Poll() = pending with a child (%v) that arranged no wake-up", st)
		}
	}
	t.Fatalf("Poll() still pending after 10000 polls")
	panic("unreachable")
}

// calls counts the calls of a user function.
type calls struct{ n int }

func (c *calls) add() { c.n++ }

// sErr returns a stream step holding the item error err.
func sErr(err error) stream.Poll[int] { return stream.Fail[int](err) }

// sDrain polls s until it ends, as a driver would, and returns every answer
// but pending. A pending answer must come with a wake-up arranged.
func sDrain[T any](t *testing.T, s stream.Stream[T]) []string {
	t.Helper()
	w := &countingWaker{}
	cx := future.NewContext(w, nil)
	var got []string
	for range 10000 {
		taskctx.BeginPoll(cx)
		before := w.count()
		p := s.PollNext(cx)
		if p.IsPending() {
			if !taskctx.WakerTaken(cx) || w.count() == before {
				t.Fatalf("PollNext() = pending with no wake-up arranged")
			}
			if st := taskctx.StalledChild(cx); st != nil {
				t.Fatalf("PollNext() = pending with a child (%v) that arranged no wake-up", st)
			}
			continue
		}
		got = append(got, showItem(p))
		if p.IsEnd() {
			return got
		}
	}
	t.Fatalf("PollNext() did not end after 10000 polls")
	return nil
}

// sOkAfter returns a future that answers pending k times (waking at once)
// and then v.
func sOkAfter[T any](k int, v T) *scriptFuture[T] {
	steps := make([]future.Poll[T], k+1)
	steps[k] = future.Ok(v)
	return newFuture(steps...)
}

// sFailAfter is sOkAfter for an error.
func sFailAfter[T any](k int, err error) *scriptFuture[T] {
	steps := make([]future.Poll[T], k+1)
	steps[k] = future.Fail[T](err)
	return newFuture(steps...)
}

// sManual is a future that completes only when the test says so: it keeps
// the waker of its last poll and counts its polls.
type sManual[T any] struct {
	waker future.Waker
	polls int
	done  bool
	val   T
}

func (m *sManual[T]) Poll(cx *future.Context) future.Poll[T] {
	m.polls++
	if m.done {
		return future.Ok(m.val)
	}
	m.waker = cx.Waker()
	return future.Pending[T]()
}

// complete makes m ready with v and wakes it.
func (m *sManual[T]) complete(v T) {
	m.val, m.done = v, true
	m.waker.Wake()
}

// sinkStep is one scripted answer of a scriptSink poll.
type sinkStep = future.Poll[struct{}]

var (
	sinkOk      = future.Ok(struct{}{})
	sinkPending = future.Pending[struct{}]()
)

// scriptSink is a sink whose PollReady, PollFlush and PollClose answer from
// scripts (ready once a script runs out); on pending it wakes at once. It
// records the items sent and the calls made.
type scriptSink[T any] struct {
	ready, flush, close []sinkStep
	sendErr             error // StartSend fails with it, if set
	items               []T
	log                 []string
}

func (s *scriptSink[T]) step(cx *future.Context, script *[]sinkStep, name string) sinkStep {
	s.log = append(s.log, name)
	if len(*script) == 0 {
		return sinkOk
	}
	p := (*script)[0]
	*script = (*script)[1:]
	if p.IsPending() {
		cx.Waker().Wake()
	}
	return p
}

func (s *scriptSink[T]) PollReady(cx *future.Context) sinkStep {
	return s.step(cx, &s.ready, "ready")
}

func (s *scriptSink[T]) StartSend(item T) error {
	s.log = append(s.log, "send")
	if s.sendErr != nil {
		return s.sendErr
	}
	s.items = append(s.items, item)
	return nil
}

func (s *scriptSink[T]) PollFlush(cx *future.Context) sinkStep {
	return s.step(cx, &s.flush, "flush")
}

func (s *scriptSink[T]) PollClose(cx *future.Context) sinkStep {
	return s.step(cx, &s.close, "close")
}

// futureCase is a row of a future combinator's table: the script of the source future,
// what successive polls of the combinator answer, and how often the source
// and the user function ran in all.
type futureCase struct {
	name      string
	steps     []future.Poll[int]
	want      []string
	wantPolls int
	wantCalls int
}

func pending() future.Poll[int] { return future.Pending[int]() }

// checkFuture builds a combinator over a scripted source and checks laziness,
// the polls' answers, and the counts.
func checkFuture[T any](t *testing.T, tc futureCase, build func(future.Future[int], *calls) future.Future[T]) {
	t.Helper()
	src, c := newFuture(tc.steps...), &calls{}
	f := build(src, c)
	if src.polls != 0 || c.n != 0 {
		t.Fatalf("building: %d polls, %d calls; want 0, 0", src.polls, c.n)
	}
	if diff := cmp.Diff(tc.want, pollN(t, f, len(tc.want))); diff != "" {
		t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
	}
	if src.polls != tc.wantPolls || c.n != tc.wantCalls {
		t.Errorf("source polled %d times, fn called %d times; want %d, %d", src.polls, c.n, tc.wantPolls, tc.wantCalls)
	}
}

// second is the future a chaining callback returns for v: it fails for 0,
// is nil for 7, answers pending twice for negative v, and is ready with 10v.
func second(v int) future.Future[int] {
	switch {
	case v == 0:
		return future.Failed[int](errOther)
	case v == 7:
		return nil
	case v < 0:
		return newFuture(pending(), pending(), future.Ok(10*v))
	}
	return future.Ready(10 * v)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// streamCase is a row of the stream tables: the script of the source stream,
// what successive polls answer, and how often the source and the user
// function ran.
type streamCase struct {
	name      string
	steps     []stream.Poll[int]
	want      []string
	wantPolls int
	wantCalls int
}

func pendingItem() stream.Poll[int] { return stream.Pending[int]() }

// checkStream builds a stream combinator over a scripted source and checks
// laziness, the answers, and the counts.
func checkStream[T any](t *testing.T, tc streamCase, build func(stream.Stream[int], *calls) stream.Stream[T]) {
	t.Helper()
	src, c := newStream(tc.steps...), &calls{}
	s := build(src, c)
	if src.polls != 0 || c.n != 0 {
		t.Fatalf("building: %d polls, %d calls; want 0, 0", src.polls, c.n)
	}
	if diff := cmp.Diff(tc.want, pollStreamN(t, s, len(tc.want))); diff != "" {
		t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
	}
	if src.polls != tc.wantPolls || c.n != tc.wantCalls {
		t.Errorf("source polled %d times, fn called %d times; want %d, %d", src.polls, c.n, tc.wantPolls, tc.wantCalls)
	}
}

// sStreamTest runs the rows of a single-source stream combinator table.
func sStreamTest[T any](t *testing.T, tests []streamCase, build func(stream.Stream[int], *calls) stream.Stream[T]) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkStream(t, tc, build) })
	}
}

var sMixed = []stream.Poll[int]{stream.Item(1), pendingItem(), sErr(errBoom), stream.Item(2), stream.Item(3)}

// sTwoCase is a row of the tables of combinators over two streams.
type sTwoCase struct {
	name  string
	a, b  []stream.Poll[int]
	want  []string
	wantA int // polls of a
	wantB int // polls of b
}

func sTwoTest[T any](t *testing.T, tests []sTwoCase, build func(a, b stream.Stream[int]) stream.Stream[T]) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newStream(tc.a...), newStream(tc.b...)
			s := build(a, b)
			if a.polls+b.polls != 0 {
				t.Fatalf("building polled the sources")
			}
			if diff := cmp.Diff(tc.want, pollStreamN(t, s, len(tc.want))); diff != "" {
				t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
			}
			if a.polls != tc.wantA || b.polls != tc.wantB {
				t.Errorf("sources polled %d, %d times; want %d, %d", a.polls, b.polls, tc.wantA, tc.wantB)
			}
		})
	}
}

// sFutureCase is a row of a table of futures over one scripted stream.
type sFutureCase[S any] struct {
	name      string
	steps     []stream.Poll[S]
	want      []string
	wantPolls int
}

func sFutureTest[S, T any](t *testing.T, tests []sFutureCase[S], build func(stream.Stream[S]) future.Future[T]) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := newStream(tc.steps...)
			f := build(src)
			if src.polls != 0 {
				t.Fatalf("building polled the source")
			}
			if diff := cmp.Diff(tc.want, pollN(t, f, len(tc.want))); diff != "" {
				t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
			}
			if src.polls != tc.wantPolls {
				t.Errorf("source polled %d times; want %d", src.polls, tc.wantPolls)
			}
		})
	}
}

func sinkFail(err error) sinkStep { return future.Fail[struct{}](err) }
