package combinators_test

import (
	"fmt"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

func TestHandleStream(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"pending", "item 1", "pending", "err odd", "end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "errors and pending", steps: sMixed, want: []string{"pending", "item 1", "pending", "item -1", "pending", "err odd", "pending", "item 3", "end"}, wantPolls: 6, wantCalls: 4},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.HandleStream(s, func(v int, err error) future.Future[int] {
			c.add()
			switch {
			case err != nil:
				return future.Ready(-1)
			case v%2 == 0:
				return sFailAfter[int](1, fmt.Errorf("odd"))
			}
			return sOkAfter(1, v)
		})
	})
}
