package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestMapErrStream(t *testing.T) {
	tests := []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3},
		{
			name:  "errors and pending",
			steps: []stream.Poll[int]{stream.Fail[int](errBoom), pendingItem(), stream.Item(3), stream.Fail[int](errBoom)},
			want:  []string{"err other", "pending", "item 3", "err other", "end"}, wantPolls: 5, wantCalls: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc, func(s stream.Stream[int], c *calls) stream.Stream[int] {
				return combinators.MapErrStream(s, func(error) error { c.add(); return errOther })
			})
		})
	}
}
