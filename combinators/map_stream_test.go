package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestMapStream(t *testing.T) {
	tests := []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"item 2", "item 4", "end", "end"}, wantPolls: 3, wantCalls: 2},
		{name: "empty", want: []string{"end", "end"}, wantPolls: 1},
		{
			name:  "errors and pending",
			steps: []stream.Poll[int]{pendingItem(), stream.Fail[int](errBoom), stream.Item(3)},
			want:  []string{"pending", "err boom", "item 6", "end"}, wantPolls: 4, wantCalls: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc, func(s stream.Stream[int], c *calls) stream.Stream[int] {
				return combinators.MapStream(s, func(v int) int { c.add(); return 2 * v })
			})
		})
	}
}
