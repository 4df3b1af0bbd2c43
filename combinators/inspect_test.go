package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestInspect(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{pending(), future.Ok(2)}, want: []string{"pending", "ok 2", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", afterDone}, wantPolls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.Inspect(f, func(int) { c.add() })
			})
		})
	}
}
