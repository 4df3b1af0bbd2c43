package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestTake(t *testing.T) {
	for _, tc := range []struct {
		n int
		streamCase
	}{
		{n: 2, streamCase: streamCase{name: "values", steps: items(1, 2, 3), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 2}},
		{n: 0, streamCase: streamCase{name: "zero", steps: items(1), want: []string{"end", "end"}}},
		{n: 5, streamCase: streamCase{name: "short", steps: items(1), want: []string{"item 1", "end", "end"}, wantPolls: 2}},
		{n: 2, streamCase: streamCase{name: "errors do not count", steps: sMixed, want: []string{"item 1", "pending", "err boom", "item 2", "end"}, wantPolls: 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc.streamCase, func(s stream.Stream[int], _ *calls) stream.Stream[int] { return combinators.Take(s, tc.n) })
		})
	}
}
