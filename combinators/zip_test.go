package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestZip(t *testing.T) {
	sTwoTest(t, []sTwoCase{
		{name: "values", a: items(1, 2, 3), b: items(10, 20), want: []string{"item {1 10}", "item {2 20}", "end", "end"}, wantA: 3, wantB: 3},
		{name: "a ends first", a: items(1), b: items(10, 20), want: []string{"item {1 10}", "end", "end"}, wantA: 2, wantB: 1},
		{name: "pending holds a", a: items(1, 2), b: []stream.Poll[int]{pendingItem(), stream.Item(10), sErr(errBoom), stream.Item(20)},
			want: []string{"pending", "item {1 10}", "err boom", "item {2 20}", "end"}, wantA: 3, wantB: 4},
		{name: "error of a", a: []stream.Poll[int]{sErr(errBoom), pendingItem(), stream.Item(1)}, b: items(10),
			want: []string{"err boom", "pending", "item {1 10}", "end"}, wantA: 4, wantB: 1},
	}, func(a, b stream.Stream[int]) stream.Stream[combinators.Pair[int, int]] { return combinators.Zip(a, b) })
}
