package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

func TestMapErr(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 2", afterDone}, wantPolls: 1},
		{name: "error", steps: []future.Poll[int]{pending(), future.Fail[int](errBoom)}, want: []string{"pending", "err other", afterDone}, wantPolls: 2, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.MapErr(f, func(error) error { c.add(); return errOther })
			})
		})
	}
	t.Run("nil keeps the error", func(t *testing.T) {
		f := combinators.MapErr(future.Failed[int](errBoom), func(error) error { return nil })
		if _, err := testkit.Run(t, f); err != errBoom {
			t.Errorf("Poll() error = %v; want %v", err, errBoom)
		}
	})
}
