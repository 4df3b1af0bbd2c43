package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/stream"
)

func TestChain(t *testing.T) {
	sTwoTest(t, []sTwoCase{
		{name: "values", a: items(1, 2), b: items(3), want: []string{"item 1", "item 2", "item 3", "end", "end"}, wantA: 3, wantB: 2},
		{name: "empty first", b: items(3), want: []string{"item 3", "end"}, wantA: 1, wantB: 2},
		{name: "errors and pending", a: []stream.Poll[int]{sErr(errBoom), pendingItem()}, b: []stream.Poll[int]{pendingItem(), sErr(errOther)},
			want: []string{"err boom", "pending", "pending", "err other", "end", "end"}, wantA: 3, wantB: 3},
	}, combinators.Chain[int])
}
