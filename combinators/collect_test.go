package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

func TestCollect(t *testing.T) {
	tests := []streamCase{
		{name: "values", steps: items(1, 2, 3), want: []string{"ok [1 2 3]", afterDone}, wantPolls: 4},
		{name: "empty", want: []string{"ok []", afterDone}, wantPolls: 1},
		{name: "pending", steps: []stream.Poll[int]{stream.Item(1), pendingItem(), stream.Item(2)}, want: []string{"pending", "ok [1 2]", afterDone}, wantPolls: 4},
		{name: "error", steps: []stream.Poll[int]{stream.Item(1), stream.Fail[int](errBoom), stream.Item(2)}, want: []string{"err boom", afterDone}, wantPolls: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkLoop(t, tc, func(s stream.Stream[int], _ *calls) future.Future[[]int] {
				return combinators.Collect(s)
			})
		})
	}
}
