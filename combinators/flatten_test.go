package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestFlatten(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{pending(), future.Ok(2)}, want: []string{"pending", "ok 20", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "outer error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", afterDone}, wantPolls: 1},
		{name: "inner error", steps: []future.Poll[int]{future.Ok(0)}, want: []string{"err other", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "inner pending", steps: []future.Poll[int]{future.Ok(-3)}, want: []string{"pending", "pending", "ok -30", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "nil inner", steps: []future.Poll[int]{future.Ok(7)}, want: []string{"err " + combinators.ErrNilFuture.Error(), afterDone}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.Flatten(combinators.Map(f, func(v int) future.Future[int] { c.add(); return second(v) }))
			})
		})
	}
}
