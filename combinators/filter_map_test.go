package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestFilterMap(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2, 3, 4), want: []string{"item 20", "item 40", "end", "end"}, wantPolls: 5, wantCalls: 4},
		{name: "empty", want: []string{"end", "end"}, wantPolls: 1},
		{name: "errors and pending", steps: sMixed, want: []string{"pending", "err boom", "item 20", "end", "end"}, wantPolls: 6, wantCalls: 3},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.FilterMap(s, func(v int) (int, bool) { c.add(); return 10 * v, v%2 == 0 })
	})
}
