package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestSkip(t *testing.T) {
	for _, tc := range []struct {
		n int
		streamCase
	}{
		{n: 2, streamCase: streamCase{name: "values", steps: items(1, 2, 3), want: []string{"item 3", "end", "end"}, wantPolls: 4}},
		{n: 5, streamCase: streamCase{name: "all", steps: items(1, 2), want: []string{"end", "end"}, wantPolls: 3}},
		{n: 1, streamCase: streamCase{name: "errors do not count", steps: sMixed, want: []string{"pending", "err boom", "item 2", "item 3", "end"}, wantPolls: 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc.streamCase, func(s stream.Stream[int], _ *calls) stream.Stream[int] { return combinators.Skip(s, tc.n) })
		})
	}
}
