package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestAndThen(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 20", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", afterDone}, wantPolls: 1},
		{name: "pending first", steps: []future.Poll[int]{pending(), future.Ok(1)}, want: []string{"pending", "ok 10", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "pending second", steps: []future.Poll[int]{future.Ok(-1)}, want: []string{"pending", "pending", "ok -10", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "second fails", steps: []future.Poll[int]{future.Ok(0)}, want: []string{"err other", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "nil future", steps: []future.Poll[int]{future.Ok(7)}, want: []string{"err " + combinators.ErrNilFuture.Error(), afterDone}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.AndThen(f, func(v int) future.Future[int] { c.add(); return second(v) })
			})
		})
	}
}
