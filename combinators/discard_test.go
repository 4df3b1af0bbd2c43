package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestDiscard(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok {}", afterDone}, wantPolls: 1},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", afterDone}, wantPolls: 1},
		{name: "pending", steps: []future.Poll[int]{pending(), future.Ok(3)}, want: []string{"pending", "ok {}", afterDone}, wantPolls: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], _ *calls) future.Future[struct{}] {
				return combinators.Discard(f)
			})
		})
	}
}
