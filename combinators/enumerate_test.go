package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestEnumerate(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(7, 8), want: []string{"item {0 7}", "item {1 8}", "end", "end"}, wantPolls: 3},
		{name: "errors and pending", steps: sMixed, want: []string{"item {0 1}", "pending", "err boom", "item {1 2}", "item {2 3}", "end"}, wantPolls: 6},
	}, func(s stream.Stream[int], _ *calls) stream.Stream[combinators.Indexed[int]] {
		return combinators.Enumerate(s)
	})
}
