package combinators_test

import (
	"fmt"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// showSelAll renders a SelectedAll and the indexes of the futures abandoned
// so far.
func showSelAll(p future.Poll[combinators.SelectedAll[int]], fs []future.Future[int]) string {
	if p.IsPending() {
		return "pending"
	}
	s := p.Value()
	return fmt.Sprintf("%d: %s, abandoned %s", s.Index, testkit.Describe(future.Result(s.Value, p.Err())), abandoned(fs))
}

func TestSelectAll(t *testing.T) {
	tests := []multiCase{
		{name: "none", want: []string{"0: err " + combinators.ErrNoFutures.Error() + ", abandoned []", "0: " + afterDone + ", abandoned []"}, wantPolls: []int{}},
		{
			name:  "middle wins",
			steps: [][]future.Poll[int]{steps(pending(), pending()), steps(pending(), future.Ok(2)), steps(pending(), future.Ok(3))},
			want:  []string{"pending", "1: ok 2, abandoned [0 2]", "0: " + afterDone + ", abandoned [0 2]"}, wantPolls: []int{2, 2, 1},
		},
		{
			name:  "first fails",
			steps: [][]future.Poll[int]{steps(fail(errBoom)), steps(future.Ok(2))},
			want:  []string{"0: err boom, abandoned [1]"}, wantPolls: []int{1, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.SelectedAll[int]] {
				return combinators.SelectAll(fs)
			}, showSelAll)
		})
	}
}
