package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestChunks(t *testing.T) {
	for _, tc := range []struct {
		n int
		streamCase
	}{
		{n: 2, streamCase: streamCase{name: "values", steps: items(1, 2, 3, 4, 5), want: []string{"item [1 2]", "item [3 4]", "item [5]", "end", "end"}, wantPolls: 6}},
		{n: 2, streamCase: streamCase{name: "exact", steps: items(1, 2), want: []string{"item [1 2]", "end", "end"}, wantPolls: 3}},
		{n: 0, streamCase: streamCase{name: "n below one", steps: items(1, 2), want: []string{"item [1]", "item [2]", "end"}, wantPolls: 3}},
		{n: 3, streamCase: streamCase{name: "errors and pending", steps: sMixed, want: []string{"pending", "item [1]", "err boom", "item [2 3]", "end"}, wantPolls: 6}},
		{n: 3, streamCase: streamCase{name: "error first", steps: []stream.Poll[int]{sErr(errBoom), stream.Item(1)}, want: []string{"err boom", "item [1]", "end"}, wantPolls: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkStream(t, tc.streamCase, func(s stream.Stream[int], _ *calls) stream.Stream[[]int] { return combinators.Chunks(s, tc.n) })
		})
	}
}
