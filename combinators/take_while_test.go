package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestTakeWhile(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2, 5, 3), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3, wantCalls: 3},
		{name: "all", steps: items(1, 2), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "errors and pending", steps: sMixed, want: []string{"item 1", "pending", "err boom", "item 2", "item 3", "end"}, wantPolls: 6, wantCalls: 3},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.TakeWhile(s, func(v int) bool { c.add(); return v < 4 })
	})
}
