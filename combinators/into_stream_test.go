package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

// checkFutureToStream checks a stream built from a scripted future.
func checkFutureToStream(t *testing.T, tc futureCase, build func(future.Future[int], *calls) stream.Stream[int]) {
	t.Helper()
	src, c := testkit.NewFuture(tc.steps...), &calls{}
	s := build(src, c)
	checkBuilt(t, &src.Polls, c, tc.want, func(n int) []string { return testkit.PollStreamN(t, s, n) }, tc.wantPolls, tc.wantCalls, "source")
}

func TestIntoStream(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{pending(), future.Ok(2)}, want: []string{"pending", "item 2", "end", "end"}, wantPolls: 2},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", "end"}, wantPolls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFutureToStream(t, tc, func(f future.Future[int], _ *calls) stream.Stream[int] {
				return combinators.IntoStream(f)
			})
		})
	}
}
