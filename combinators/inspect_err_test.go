package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestInspectErr(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3},
		{name: "errors and pending", steps: sMixed, want: []string{"item 1", "pending", "err boom", "item 2", "item 3", "end"}, wantPolls: 6, wantCalls: 1},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.InspectErr(s, func(error) { c.add() })
	})
}
