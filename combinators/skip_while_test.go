package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestSkipWhile(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2, 5, 1), want: []string{"item 5", "item 1", "end", "end"}, wantPolls: 5, wantCalls: 3},
		{name: "none pass", steps: items(1, 2), want: []string{"end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "errors and pending", steps: sMixed, want: []string{"pending", "err boom", "item 3", "end", "end"}, wantPolls: 6, wantCalls: 3},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.SkipWhile(s, func(v int) bool { c.add(); return v < 3 })
	})
}
