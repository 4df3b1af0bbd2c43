package combinators_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

var (
	errBoom  = errors.New("boom")
	errOther = errors.New("other")
	errNil   = errors.New("make the callback return nil")
)

// items returns stream steps holding the values vs.
func items[T any](vs ...T) []stream.Poll[T] {
	ps := make([]stream.Poll[T], len(vs))
	for i, v := range vs {
		ps[i] = stream.Item(v)
	}
	return ps
}

const afterDone = "err " + "future: polled after completion"

// calls counts the calls of a user function.
type calls struct{ n int }

func (c *calls) add() { c.n++ }

// sErr returns a stream step holding the item error err.
func sErr(err error) stream.Poll[int] { return stream.Fail[int](err) }

// sOkAfter returns a future that answers pending k times (waking at once)
// and then v.
func sOkAfter[T any](k int, v T) *testkit.ScriptFuture[T] {
	steps := make([]future.Poll[T], k+1)
	steps[k] = future.Ok(v)
	return testkit.NewFuture(steps...)
}

// sFailAfter is sOkAfter for an error.
func sFailAfter[T any](k int, err error) *testkit.ScriptFuture[T] {
	steps := make([]future.Poll[T], k+1)
	steps[k] = future.Fail[T](err)
	return testkit.NewFuture(steps...)
}

// sManual is a future that completes only when the test says so: it keeps
// the waker of its last poll and counts its polls.
type sManual[T any] struct {
	waker future.Waker
	Polls int
	done  bool
	val   T
}

func (m *sManual[T]) Poll(cx *future.Context) future.Poll[T] {
	m.Polls++
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
	src, c := testkit.NewFuture(tc.steps...), &calls{}
	f := build(src, c)
	checkBuilt(t, &src.Polls, c, tc.want, func(n int) []string { return testkit.PollN(t, f, n) }, tc.wantPolls, tc.wantCalls, "source")
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
		return testkit.NewFuture(pending(), pending(), future.Ok(10*v))
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
	src, c := testkit.NewStream(tc.steps...), &calls{}
	s := build(src, c)
	if src.Polls != 0 || c.n != 0 {
		t.Fatalf("building: %d polls, %d calls; want 0, 0", src.Polls, c.n)
	}
	if diff := cmp.Diff(tc.want, testkit.PollStreamN(t, s, len(tc.want))); diff != "" {
		t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
	}
	if src.Polls != tc.wantPolls || c.n != tc.wantCalls {
		t.Errorf("source polled %d times, fn called %d times; want %d, %d", src.Polls, c.n, tc.wantPolls, tc.wantCalls)
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
			a, b := testkit.NewStream(tc.a...), testkit.NewStream(tc.b...)
			s := build(a, b)
			if a.Polls+b.Polls != 0 {
				t.Fatalf("building polled the sources")
			}
			if diff := cmp.Diff(tc.want, testkit.PollStreamN(t, s, len(tc.want))); diff != "" {
				t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
			}
			if a.Polls != tc.wantA || b.Polls != tc.wantB {
				t.Errorf("sources polled %d, %d times; want %d, %d", a.Polls, b.Polls, tc.wantA, tc.wantB)
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
			src := testkit.NewStream(tc.steps...)
			f := build(src)
			if src.Polls != 0 {
				t.Fatalf("building polled the source")
			}
			if diff := cmp.Diff(tc.want, testkit.PollN(t, f, len(tc.want))); diff != "" {
				t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
			}
			if src.Polls != tc.wantPolls {
				t.Errorf("source polled %d times; want %d", src.Polls, tc.wantPolls)
			}
		})
	}
}

func sinkFail(err error) sinkStep { return future.Fail[struct{}](err) }

// checkBuilt checks a combinator built over a scripted source whose poll
// count is *polls: building it polled nothing and called nothing, its
// answers to len(want) polls are want, and in the end the source was
// polled wantPolls times and the user function called wantCalls times.
func checkBuilt(t *testing.T, polls *int, c *calls, want []string, answers func(n int) []string, wantPolls, wantCalls int, source string) {
	t.Helper()
	if *polls != 0 || c.n != 0 {
		t.Fatalf("building: %d polls, %d calls; want 0, 0", *polls, c.n)
	}
	if diff := cmp.Diff(want, answers(len(want))); diff != "" {
		t.Errorf("answers mismatch (-want +got):\n%s", diff)
	}
	if *polls != wantPolls || c.n != wantCalls {
		t.Errorf("%s polled %d times, fn called %d times; want %d, %d", source, *polls, c.n, wantPolls, wantCalls)
	}
}
