package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

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
	if src.Polls != 0 || c.n != 0 {
		t.Fatalf("building: %d polls, %d calls; want 0, 0", src.Polls, c.n)
	}
	if diff := cmp.Diff(tc.want, testkit.PollStreamN(t, s, len(tc.want))); diff != "" {
		t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
	}
	if src.Polls != tc.wantPolls || c.n != tc.wantCalls {
		t.Errorf("source polled %d times, fn called %d times; want %d, %d", src.Polls, c.n, tc.wantPolls, tc.wantCalls)
	}
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
