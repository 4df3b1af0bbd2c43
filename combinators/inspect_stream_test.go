package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestInspectStream(t *testing.T) {
	tc := streamCase{
		steps: []stream.Poll[int]{stream.Item(1), pendingItem(), stream.Fail[int](errBoom), stream.Item(2)},
		want:  []string{"item 1", "pending", "err boom", "item 2", "end", "end"}, wantPolls: 5, wantCalls: 2,
	}
	checkStream(t, tc, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.InspectStream(s, func(int) { c.add() })
	})
}
