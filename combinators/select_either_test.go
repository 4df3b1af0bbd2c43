package combinators_test

import (
	"strconv"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestSelectEither(t *testing.T) {
	tests := []multiCase{
		{
			name:  "left wins",
			steps: [][]future.Poll[int]{steps(pending(), future.Ok(1)), steps(pending(), future.Ok(2))},
			want:  []string{"pending", "ok {1  false}", afterDone}, wantPolls: []int{2, 1},
		},
		{
			name:  "right fails",
			steps: [][]future.Poll[int]{steps(pending(), pending()), steps(pending(), fail(errBoom))},
			want:  []string{"pending", "err boom"}, wantPolls: []int{2, 2},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.Either[int, string]] {
				return combinators.SelectEither(fs[0], combinators.Map(fs[1], strconv.Itoa))
			}, showPoll)
		})
	}
}
