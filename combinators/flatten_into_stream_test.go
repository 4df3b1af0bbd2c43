package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestFlattenIntoStream(t *testing.T) {
	nilErr := "err " + combinators.ErrNilFuture.Error()
	tests := []futureCase{
		{name: "items", steps: []future.Poll[int]{pending(), future.Ok(2)}, want: []string{"pending", "item 2", "pending", "item 3", "end", "end"}, wantPolls: 2, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", "end", "end"}, wantPolls: 1},
		{name: "nil stream", steps: []future.Poll[int]{future.Ok(0)}, want: []string{nilErr, "end"}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFutureToStream(t, tc, func(f future.Future[int], c *calls) stream.Stream[int] {
				return combinators.FlattenIntoStream(combinators.Map(f, func(v int) stream.Stream[int] {
					c.add()
					if v == 0 {
						return nil
					}
					return testkit.NewStream(stream.Item(v), pendingItem(), stream.Item(v+1))
				}))
			})
		})
	}
}
