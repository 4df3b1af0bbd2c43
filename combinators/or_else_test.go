package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

func TestOrElse(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 2", afterDone}, wantPolls: 1},
		{name: "recovers", steps: []future.Poll[int]{pending(), future.Fail[int](errBoom)}, want: []string{"pending", "ok 10", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "fails again", steps: []future.Poll[int]{future.Fail[int](errOther)}, want: []string{"err other", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "nil future", steps: []future.Poll[int]{future.Fail[int](errNil)}, want: []string{"err " + combinators.ErrNilFuture.Error(), afterDone}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.OrElse(f, func(err error) future.Future[int] {
					c.add()
					switch err {
					case errBoom:
						return testkit.NewFuture(future.Ok(10))
					case errNil:
						return nil
					}
					return future.Failed[int](err)
				})
			})
		})
	}
}
