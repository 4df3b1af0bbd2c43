package combinators_test

import (
	"fmt"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

// sStreamTest runs the rows of a single-source stream combinator table.
func sStreamTest[T any](t *testing.T, tests []streamCase, build func(stream.Stream[int], *calls) stream.Stream[T]) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkStream(t, tc, build) })
	}
}

var sMixed = []stream.Poll[int]{stream.Item(1), pendingItem(), sErr(errBoom), stream.Item(2), stream.Item(3)}

func TestFilterMap(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2, 3, 4), want: []string{"item 20", "item 40", "end", "end"}, wantPolls: 5, wantCalls: 4},
		{name: "empty", want: []string{"end", "end"}, wantPolls: 1},
		{name: "errors and pending", steps: sMixed, want: []string{"pending", "err boom", "item 20", "end", "end"}, wantPolls: 6, wantCalls: 3},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.FilterMap(s, func(v int) (int, bool) { c.add(); return 10 * v, v%2 == 0 })
	})
}

func TestThenStream(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"pending", "item 1", "pending", "err odd", "end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "errors and pending", steps: sMixed, want: []string{"pending", "item 1", "pending", "item -1", "pending", "err odd", "pending", "item 3", "end"}, wantPolls: 6, wantCalls: 4},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.ThenStream(s, func(v int, err error) future.Future[int] {
			c.add()
			switch {
			case err != nil:
				return future.Ready(-1)
			case v%2 == 0:
				return sFailAfter[int](1, fmt.Errorf("odd"))
			}
			return sOkAfter(1, v)
		})
	})
}

func TestAndThenStream(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"pending", "item 10", "pending", "err other", "end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "errors pass", steps: sMixed, want: []string{"pending", "item 10", "pending", "err boom", "pending", "err other", "pending", "item 30", "end"}, wantPolls: 6, wantCalls: 3},
		{name: "nil future", steps: items(0, 1), want: []string{"err " + combinators.ErrNilFuture.Error(), "pending", "item 10", "end"}, wantPolls: 3, wantCalls: 2},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.AndThenStream(s, func(v int) future.Future[int] {
			c.add()
			switch {
			case v == 0:
				return nil
			case v == 2:
				return sFailAfter[int](1, errOther)
			}
			return sOkAfter(1, 10*v)
		})
	})
}

func TestOrElseStream(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values pass", steps: items(1, 2), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3},
		{name: "recovers", steps: sMixed, want: []string{"item 1", "pending", "pending", "item 7", "item 2", "item 3", "end"}, wantPolls: 6, wantCalls: 1},
		{name: "fails again", steps: []stream.Poll[int]{sErr(errOther)}, want: []string{"err boom", "end"}, wantPolls: 2, wantCalls: 1},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.OrElseStream(s, func(err error) future.Future[int] {
			c.add()
			if err == errOther {
				return future.Failed[int](errBoom)
			}
			return sOkAfter(1, 7)
		})
	})
}

func TestTake(t *testing.T) {
	for _, tc := range []struct {
		n int
		streamCase
	}{
		{n: 2, streamCase: streamCase{name: "values", steps: items(1, 2, 3), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 2}},
		{n: 0, streamCase: streamCase{name: "zero", steps: items(1), want: []string{"end", "end"}}},
		{n: 5, streamCase: streamCase{name: "short", steps: items(1), want: []string{"item 1", "end", "end"}, wantPolls: 2}},
		{n: 2, streamCase: streamCase{name: "errors do not count", steps: sMixed, want: []string{"item 1", "pending", "err boom", "item 2", "end"}, wantPolls: 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc.streamCase, func(s stream.Stream[int], _ *calls) stream.Stream[int] { return combinators.Take(s, tc.n) })
		})
	}
}

func TestSkip(t *testing.T) {
	for _, tc := range []struct {
		n int
		streamCase
	}{
		{n: 2, streamCase: streamCase{name: "values", steps: items(1, 2, 3), want: []string{"item 3", "end", "end"}, wantPolls: 4}},
		{n: 5, streamCase: streamCase{name: "all", steps: items(1, 2), want: []string{"end", "end"}, wantPolls: 3}},
		{n: 1, streamCase: streamCase{name: "errors do not count", steps: sMixed, want: []string{"pending", "err boom", "item 2", "item 3", "end"}, wantPolls: 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc.streamCase, func(s stream.Stream[int], _ *calls) stream.Stream[int] { return combinators.Skip(s, tc.n) })
		})
	}
}

func TestTakeWhile(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2, 5, 3), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3, wantCalls: 3},
		{name: "all", steps: items(1, 2), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "errors and pending", steps: sMixed, want: []string{"item 1", "pending", "err boom", "item 2", "item 3", "end"}, wantPolls: 6, wantCalls: 3},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.TakeWhile(s, func(v int) bool { c.add(); return v < 4 })
	})
}

func TestSkipWhile(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2, 5, 1), want: []string{"item 5", "item 1", "end", "end"}, wantPolls: 5, wantCalls: 3},
		{name: "none pass", steps: items(1, 2), want: []string{"end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "errors and pending", steps: sMixed, want: []string{"pending", "err boom", "item 3", "end", "end"}, wantPolls: 6, wantCalls: 3},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.SkipWhile(s, func(v int) bool { c.add(); return v < 3 })
	})
}

func TestInspectErr(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3},
		{name: "errors and pending", steps: sMixed, want: []string{"item 1", "pending", "err boom", "item 2", "item 3", "end"}, wantPolls: 6, wantCalls: 1},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.InspectErr(s, func(error) { c.add() })
	})
}

func TestEnumerate(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(7, 8), want: []string{"item {0 7}", "item {1 8}", "end", "end"}, wantPolls: 3},
		{name: "errors and pending", steps: sMixed, want: []string{"item {0 1}", "pending", "err boom", "item {1 2}", "item {2 3}", "end"}, wantPolls: 6},
	}, func(s stream.Stream[int], _ *calls) stream.Stream[combinators.Indexed[int]] {
		return combinators.Enumerate(s)
	})
}

func TestChunks(t *testing.T) {
	for _, tc := range []struct {
		n int
		streamCase
	}{
		{n: 2, streamCase: streamCase{name: "values", steps: items(1, 2, 3, 4, 5), want: []string{"item [1 2]", "item [3 4]", "item [5]", "end", "end"}, wantPolls: 6}},
		{n: 2, streamCase: streamCase{name: "exact", steps: items(1, 2), want: []string{"item [1 2]", "end", "end"}, wantPolls: 3}},
		{n: 0, streamCase: streamCase{name: "n below one", steps: items(1, 2), want: []string{"item [1]", "item [2]", "end"}, wantPolls: 3}},
		{n: 3, streamCase: streamCase{name: "errors and pending", steps: sMixed, want: []string{"pending", "item [1]", "err boom", "item [2 3]", "end"}, wantPolls: 6}},
		{n: 3, streamCase: streamCase{name: "error first", steps: []stream.Poll[int]{sErr(errBoom), stream.Item(1)}, want: []string{"err boom", "item [1]", "end"}, wantPolls: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc.streamCase, func(s stream.Stream[int], _ *calls) stream.Stream[[]int] { return combinators.Chunks(s, tc.n) })
		})
	}
}

func TestFuseStream(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1), want: []string{"item 1", "end", "end", "end"}, wantPolls: 2},
		{name: "errors and pending", steps: sMixed, want: []string{"item 1", "pending", "err boom", "item 2", "item 3", "end", "end"}, wantPolls: 6},
	}, func(s stream.Stream[int], _ *calls) stream.Stream[int] {
		return combinators.FuseStream(s)
	})
}

// sRestart is a stream that misbehaves: after its end it yields again.
type sRestart struct{ n int }

func (r *sRestart) PollNext(*future.Context) stream.Poll[int] {
	r.n++
	if r.n%2 == 0 {
		return stream.End[int]()
	}
	return stream.Item(r.n)
}

func TestFuseStreamAfterEnd(t *testing.T) {
	f := combinators.FuseStream[int](&sRestart{})
	got := testkit.PollStreamN(t, f, 4)
	if want := []string{"item 1", "end", "end", "end"}; fmt.Sprint(got) != fmt.Sprint(want) || !f.Done() {
		t.Errorf("PollNext() = %v, Done() = %v; want %v, true", got, f.Done(), want)
	}
}

func TestPeekable(t *testing.T) {
	tests := []struct {
		name  string
		steps []stream.Poll[int]
		ops   string // p: Peek, n: PollNext
		want  []string
		polls int
	}{
		{name: "peek keeps", steps: items(1, 2), ops: "ppnnpn", want: []string{"item 1", "item 1", "item 1", "item 2", "end", "end"}, polls: 3},
		{name: "pending then peek", steps: []stream.Poll[int]{pendingItem(), stream.Item(1)}, ops: "ppn", want: []string{"pending", "item 1", "item 1"}, polls: 2},
		{name: "error", steps: []stream.Poll[int]{sErr(errBoom)}, ops: "pnpn", want: []string{"err boom", "err boom", "end", "end"}, polls: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := testkit.NewStream(tc.steps...)
			p := combinators.Peekable[int](src)
			if src.Polls != 0 {
				t.Fatalf("building polled the source")
			}
			cx := future.NewContext(&testkit.WakeCounter{}, nil)
			var got []string
			for _, op := range tc.ops {
				if op == 'p' {
					got = append(got, testkit.DescribeItem(p.Peek(cx)))
				} else {
					got = append(got, testkit.DescribeItem(p.PollNext(cx)))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || src.Polls != tc.polls {
				t.Errorf("answers = %q, %d source polls; want %q, %d", got, src.Polls, tc.want, tc.polls)
			}
		})
	}
}
