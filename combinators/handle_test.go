package combinators_test

import (
	"strconv"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestHandle(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 2 <nil>", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{pending(), future.Fail[int](errBoom)}, want: []string{"pending", "ok 0 boom", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "nil future", steps: []future.Poll[int]{future.Ok(7)}, want: []string{"err " + combinators.ErrNilFuture.Error(), afterDone}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[string] {
				return combinators.Handle(f, func(v int, err error) future.Future[string] {
					c.add()
					if v == 7 {
						return nil
					}
					return future.Ready(strconv.Itoa(v) + " " + errString(err))
				})
			})
		})
	}
}
