package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

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
