package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

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
