package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestConcat(t *testing.T) {
	sFutureTest(t, []sFutureCase[[]int]{
		{name: "values", steps: items([]int{1, 2}, nil, []int{3}), want: []string{"ok [1 2 3]", afterDone}, wantPolls: 4},
		{name: "empty", want: []string{"ok []", afterDone}, wantPolls: 1},
		{name: "pending", steps: []stream.Poll[[]int]{stream.Item([]int{1}), stream.Pending[[]int](), stream.Item([]int{2})},
			want: []string{"pending", "ok [1 2]", afterDone}, wantPolls: 4},
		{name: "error ends it", steps: []stream.Poll[[]int]{stream.Item([]int{1}), stream.Fail[[]int](errBoom), stream.Item([]int{2})},
			want: []string{"err boom", afterDone}, wantPolls: 2},
	}, combinators.Concat[int])
}
