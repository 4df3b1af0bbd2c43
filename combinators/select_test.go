package combinators_test

import (
	"fmt"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// showSel renders a Selected, naming the handed-back future by its index in fs.
func showSel(p future.Poll[combinators.Selected[int]], fs []future.Future[int]) string {
	if p.IsPending() {
		return "pending"
	}
	s := p.Value()
	return fmt.Sprintf("%d: %s, other %s", s.Index, testkit.Describe(future.Result(s.Value, p.Err())), name(s.Other, fs))
}

func TestSelect(t *testing.T) {
	tests := []multiCase{
		{
			name:  "first wins",
			steps: [][]future.Poll[int]{steps(pending(), future.Ok(1)), steps(pending(), future.Ok(2))},
			want:  []string{"pending", "0: ok 1, other 1", "0: " + afterDone + ", other none"}, wantPolls: []int{2, 1},
		},
		{
			name:  "second fails",
			steps: [][]future.Poll[int]{steps(pending(), pending()), steps(pending(), fail(errBoom))},
			want:  []string{"pending", "1: err boom, other 0"}, wantPolls: []int{2, 2},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.Selected[int]] {
				return combinators.Select(fs[0], fs[1])
			}, showSel)
		})
	}
}
