package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

func TestThen(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok {}", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{pending(), future.Fail[int](errBoom)}, want: []string{"pending", "ok {}", afterDone}, wantPolls: 2, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen string
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[struct{}] {
				return combinators.Then(f, func(v int, err error) { c.add(); seen = testkit.Describe(future.Result(v, err)) })
			})
			if last := testkit.Describe(tc.steps[len(tc.steps)-1]); seen != last {
				t.Errorf("fn saw %q; want %q", seen, last)
			}
		})
	}
}
