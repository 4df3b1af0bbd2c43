package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestSelectOk(t *testing.T) {
	tests := []multiCase{
		{name: "none", want: []string{"0: err " + combinators.ErrNoFutures.Error() + ", abandoned []"}, wantPolls: []int{}},
		{
			name:  "failures skipped",
			steps: [][]future.Poll[int]{steps(fail(errBoom)), steps(pending(), pending(), future.Ok(2)), steps(pending(), future.Ok(3)), steps(pending(), pending(), pending())},
			want:  []string{"pending", "2: ok 3, abandoned [1 3]", "0: " + afterDone + ", abandoned [1 3]"}, wantPolls: []int{1, 2, 2, 1},
		},
		{
			name:  "all fail",
			steps: [][]future.Poll[int]{steps(pending(), fail(errBoom)), steps(fail(errBoom)), steps(pending(), pending(), fail(errOther))},
			want:  []string{"pending", "pending", "0: err other, abandoned []"}, wantPolls: []int{2, 1, 3},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.SelectedAll[int]] {
				return combinators.SelectOk(fs)
			}, showSelAll)
		})
	}
}
