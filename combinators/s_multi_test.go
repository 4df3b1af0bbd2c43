package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

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

func TestChain(t *testing.T) {
	sTwoTest(t, []sTwoCase{
		{name: "values", a: items(1, 2), b: items(3), want: []string{"item 1", "item 2", "item 3", "end", "end"}, wantA: 3, wantB: 2},
		{name: "empty first", b: items(3), want: []string{"item 3", "end"}, wantA: 1, wantB: 2},
		{name: "errors and pending", a: []stream.Poll[int]{sErr(errBoom), pendingItem()}, b: []stream.Poll[int]{pendingItem(), sErr(errOther)},
			want: []string{"err boom", "pending", "pending", "err other", "end", "end"}, wantA: 3, wantB: 3},
	}, combinators.Chain[int])
}

func TestZip(t *testing.T) {
	sTwoTest(t, []sTwoCase{
		{name: "values", a: items(1, 2, 3), b: items(10, 20), want: []string{"item {1 10}", "item {2 20}", "end", "end"}, wantA: 3, wantB: 3},
		{name: "a ends first", a: items(1), b: items(10, 20), want: []string{"item {1 10}", "end", "end"}, wantA: 2, wantB: 1},
		{name: "pending holds a", a: items(1, 2), b: []stream.Poll[int]{pendingItem(), stream.Item(10), sErr(errBoom), stream.Item(20)},
			want: []string{"pending", "item {1 10}", "err boom", "item {2 20}", "end"}, wantA: 3, wantB: 4},
		{name: "error of a", a: []stream.Poll[int]{sErr(errBoom), pendingItem(), stream.Item(1)}, b: items(10),
			want: []string{"err boom", "pending", "item {1 10}", "end"}, wantA: 4, wantB: 1},
	}, func(a, b stream.Stream[int]) stream.Stream[combinators.Pair[int, int]] { return combinators.Zip(a, b) })
}

func TestSelectStream(t *testing.T) {
	sTwoTest(t, []sTwoCase{
		{name: "round-robin", a: items(1, 2, 3), b: items(10, 20), want: []string{"item 1", "item 10", "item 2", "item 20", "item 3", "end", "end"}, wantA: 4, wantB: 3},
		{name: "errors and pending", a: []stream.Poll[int]{pendingItem(), sErr(errBoom)}, b: []stream.Poll[int]{pendingItem(), stream.Item(10)},
			want: []string{"pending", "err boom", "item 10", "end"}, wantA: 3, wantB: 3},
	}, combinators.SelectStream[int])
}

func TestMerge(t *testing.T) {
	a, b, c := testkit.NewStream(items(1, 2)...), testkit.NewStream[int](), testkit.NewStream(pendingItem(), stream.Item(30), sErr(errBoom))
	s := combinators.Merge[int](a, nil, b, c)
	if a.Polls+b.Polls+c.Polls != 0 {
		t.Fatalf("building polled the sources")
	}
	want := []string{"item 1", "item 2", "item 30", "err boom", "end", "end"}
	if diff := cmp.Diff(want, testkit.PollStreamN(t, s, len(want))); diff != "" {
		t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
	}
	if got := []int{a.Polls, b.Polls, c.Polls}; !cmp.Equal(got, []int{3, 1, 4}) {
		t.Errorf("sources polled %v times; want [3 1 4]", got)
	}
	if got := testkit.PollStreamN(t, combinators.Merge[int](), 1); got[0] != "end" {
		t.Errorf("Merge().PollNext() = %s; want end", got[0])
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

func TestConcat(t *testing.T) {
	sFutureTest(t, []sFutureCase[[]int]{
		{name: "values", steps: items([]int{1, 2}, nil, []int{3}), want: []string{"ok [1 2 3]", afterDone}, wantPolls: 4},
		{name: "empty", want: []string{"ok []", afterDone}, wantPolls: 1},
		{name: "pending", steps: []stream.Poll[[]int]{stream.Item([]int{1}), stream.Pending[[]int](), stream.Item([]int{2})},
			want: []string{"pending", "ok [1 2]", afterDone}, wantPolls: 4},
		{name: "error ends it", steps: []stream.Poll[[]int]{stream.Item([]int{1}), stream.Fail[[]int](errBoom), stream.Item([]int{2})},
			want: []string{"err boom", afterDone}, wantPolls: 2},
	}, combinators.Concat[int])
}

func TestFlattenStreams(t *testing.T) {
	inner := func() []stream.Poll[stream.Stream[int]] {
		return []stream.Poll[stream.Stream[int]]{
			stream.Item[stream.Stream[int]](testkit.NewStream(stream.Item(1), pendingItem(), sErr(errBoom))),
			stream.Pending[stream.Stream[int]](),
			stream.Item[stream.Stream[int]](nil),
			stream.Fail[stream.Stream[int]](errOther),
			stream.Item(stream.Of(2, 3)),
		}
	}
	src := testkit.NewStream(inner()...)
	s := combinators.FlattenStreams[int](src)
	if src.Polls != 0 {
		t.Fatalf("building polled the source")
	}
	want := []string{"item 1", "pending", "err boom", "pending", "err other", "item 2", "item 3", "end", "end"}
	if diff := cmp.Diff(want, testkit.PollStreamN(t, s, len(want))); diff != "" {
		t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
	}
	if src.Polls != 6 {
		t.Errorf("source polled %d times; want 6", src.Polls)
	}
}

func TestIntoFuture(t *testing.T) {
	tests := []struct {
		name  string
		steps []stream.Poll[int]
		want  string // the head's item
		rest  []string
	}{
		{name: "value", steps: items(1, 2), want: "item 1", rest: []string{"item 2", "end"}},
		{name: "pending then error", steps: []stream.Poll[int]{pendingItem(), sErr(errBoom), stream.Item(2)}, want: "err boom", rest: []string{"item 2", "end"}},
		{name: "end", want: "end", rest: []string{"end"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := testkit.NewStream(tc.steps...)
			f := combinators.IntoFuture[int](src)
			if src.Polls != 0 {
				t.Fatalf("building polled the source")
			}
			head, err := testkit.Run(t, f)
			if err != nil || testkit.DescribeItem(head.Item) != tc.want {
				t.Fatalf("Poll() = %s, %v; want %s, nil", testkit.DescribeItem(head.Item), err, tc.want)
			}
			if got := testkit.PollN(t, f, 1); got[0] != afterDone {
				t.Errorf("second Poll() = %s; want %s", got[0], afterDone)
			}
			if diff := cmp.Diff(tc.rest, testkit.Drain(t, head.Rest)); diff != "" {
				t.Errorf("rest mismatch (-want +got):\n%s", diff)
			}
		})
	}
	f := combinators.IntoFuture(stream.Of(1))
	if s, ok := f.Into(); !ok || s == nil {
		t.Errorf("Into() = %v, %v; want the stream, true", s, ok)
	}
	if s, ok := f.Into(); ok || s != nil {
		t.Errorf("second Into() = %v, %v; want nil, false", s, ok)
	}
}

func TestUnfoldAsync(t *testing.T) {
	c := &calls{}
	pages := func(n int) (future.Future[combinators.Pair[int, int]], bool) {
		c.add()
		switch {
		case n == 3:
			return nil, false
		case n == 99:
			return sFailAfter[combinators.Pair[int, int]](1, errBoom), true
		case n == 98:
			return nil, true
		}
		return sOkAfter(1, combinators.Pair[int, int]{First: 10 * n, Second: n + 1}), true
	}
	tests := []struct {
		name  string
		init  int
		want  []string
		calls int
	}{
		{name: "values", init: 1, want: []string{"pending", "item 10", "pending", "item 20", "end", "end"}, calls: 3},
		{name: "error ends", init: 99, want: []string{"pending", "err boom", "end"}, calls: 1},
		{name: "nil future", init: 98, want: []string{"err " + combinators.ErrNilFuture.Error(), "end"}, calls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.n = 0
			s := combinators.UnfoldAsync(tc.init, pages)
			if c.n != 0 {
				t.Fatalf("building called fn")
			}
			if diff := cmp.Diff(tc.want, testkit.PollStreamN(t, s, len(tc.want))); diff != "" || c.n != tc.calls {
				t.Errorf("PollNext() answers mismatch (-want +got):\n%s; fn called %d times, want %d", diff, c.n, tc.calls)
			}
		})
	}
}

func TestRepeat(t *testing.T) {
	got := testkit.Drain(t, combinators.Take(combinators.Repeat("x"), 3))
	if want := []string{"item x", "item x", "item x", "end"}; !cmp.Equal(got, want) {
		t.Errorf("Take(Repeat(x), 3) = %v; want %v", got, want)
	}
}

// TestStreamCombinatorsYield checks that the combinators that loop over an
// always-ready source give the loop back once the budget is spent.
func TestStreamCombinatorsYield(t *testing.T) {
	ones := func() stream.Stream[int] { return combinators.Repeat(1) }
	tests := []struct {
		name string
		s    stream.Stream[int]
	}{
		{name: "FilterMap", s: combinators.FilterMap(ones(), func(int) (int, bool) { return 0, false })},
		{name: "Skip", s: combinators.Skip(ones(), 1<<30)},
		{name: "SkipWhile", s: combinators.SkipWhile(ones(), func(int) bool { return true })},
		{name: "FlattenStreams", s: combinators.FlattenStreams(combinators.Repeat(stream.Empty[int]()))},
		{name: "Chunks", s: combinators.MapStream(combinators.Chunks(ones(), 1<<30), func([]int) int { return 0 })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &testkit.WakeCounter{}
			cx := future.NewContext(w, nil)
			if p := tc.s.PollNext(cx); !p.IsPending() || w.Count() != 1 {
				t.Errorf("PollNext() = %s with %d wake-ups; want pending with 1", testkit.DescribeItem(p), w.Count())
			}
		})
	}
	futures := []struct {
		name string
		f    future.Future[struct{}]
	}{
		{name: "ForEachConcurrent", f: combinators.ForEachConcurrent(ones(), 2, func(int) future.Future[struct{}] { return future.Done() })},
		{name: "Forward", f: combinators.Forward(ones(), stream.Sink[int](combinators.NewSliceSink[int]()))},
		{name: "Concat", f: combinators.Map(combinators.Concat(combinators.Repeat([]int{})), func([]int) struct{} { return struct{}{} })},
	}
	for _, tc := range futures {
		t.Run(tc.name, func(t *testing.T) {
			w := &testkit.WakeCounter{}
			cx := future.NewContext(w, nil)
			if p := tc.f.Poll(cx); !p.IsPending() || w.Count() != 1 {
				t.Errorf("Poll() = %s with %d wake-ups; want pending with 1", testkit.Describe(p), w.Count())
			}
		})
	}
}
