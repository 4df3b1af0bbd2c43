package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

func TestAndThenStream(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"pending", "item 10", "pending", "err other", "end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "errors pass", steps: sMixed, want: []string{"pending", "item 10", "pending", "err boom", "pending", "err other", "pending", "item 30", "end"}, wantPolls: 6, wantCalls: 3},
		{name: "nil future", steps: items(0, 1), want: []string{"err " + combinators.ErrNilFuture.Error(), "pending", "item 10", "end"}, wantPolls: 3, wantCalls: 2},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.AndThenStream(s, func(v int) future.Future[int] {
			c.add()
			switch {
			case v == 0:
				return nil
			case v == 2:
				return sFailAfter[int](1, errOther)
			}
			return sOkAfter(1, 10*v)
		})
	})
}
