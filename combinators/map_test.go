package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestMap(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 4", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", afterDone}, wantPolls: 1},
		{name: "pending", steps: []future.Poll[int]{pending(), pending(), future.Ok(3)}, want: []string{"pending", "pending", "ok 6", afterDone}, wantPolls: 3, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.Map(f, func(v int) int { c.add(); return 2 * v })
			})
		})
	}
}
