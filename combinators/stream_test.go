package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

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

func TestMapStream(t *testing.T) {
	tests := []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"item 2", "item 4", "end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "empty", want: []string{"end", "end"}, wantPolls: 1},
		{
			name:  "errors and pending",
			steps: []stream.Poll[int]{pendingItem(), stream.Fail[int](errBoom), stream.Item(3)},
			want:  []string{"pending", "err boom", "item 6", "end"}, wantPolls: 4, wantCalls: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc, func(s stream.Stream[int], c *calls) stream.Stream[int] {
				return combinators.MapStream(s, func(v int) int { c.add(); return 2 * v })
			})
		})
	}
}

func TestMapErrStream(t *testing.T) {
	tests := []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3},
		{
			name:  "errors and pending",
			steps: []stream.Poll[int]{stream.Fail[int](errBoom), pendingItem(), stream.Item(3), stream.Fail[int](errBoom)},
			want:  []string{"err other", "pending", "item 3", "err other", "end"}, wantPolls: 5, wantCalls: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc, func(s stream.Stream[int], c *calls) stream.Stream[int] {
				return combinators.MapErrStream(s, func(error) error { c.add(); return errOther })
			})
		})
	}
}

func TestFilter(t *testing.T) {
	tests := []streamCase{
		{name: "values", steps: items(1, 2, 3, 4), want: []string{"item 2", "item 4", "end", "end"}, wantPolls: 5, wantCalls: 4},
		{
			name:  "errors and pending",
			steps: []stream.Poll[int]{stream.Item(1), pendingItem(), stream.Fail[int](errBoom), stream.Item(3), stream.Item(6)},
			want:  []string{"pending", "err boom", "item 6", "end"}, wantPolls: 6, wantCalls: 3,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc, func(s stream.Stream[int], c *calls) stream.Stream[int] {
				return combinators.Filter(s, func(v int) bool { c.add(); return v%2 == 0 })
			})
		})
	}
}

// TestFilterYields checks that a filter rejecting every value of an
// always-ready stream gives the loop back once the budget is spent.
func TestFilterYields(t *testing.T) {
	odd := stream.Unfold(1, func(n int) (int, int, bool) { return n, n + 2, true })
	s := combinators.Filter(odd, func(v int) bool { return v%2 == 0 })
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	if p := s.PollNext(cx); !p.IsPending() || w.Count() != 1 {
		t.Errorf("PollNext() = %s with %d wake-ups; want pending with 1", testkit.DescribeItem(p), w.Count())
	}
}
