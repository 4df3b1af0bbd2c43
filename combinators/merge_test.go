package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestMergeTwo(t *testing.T) {
	sTwoTest(t, []sTwoCase{
		{name: "round-robin", a: items(1, 2, 3), b: items(10, 20), want: []string{"item 1", "item 10", "item 2", "item 20", "item 3", "end", "end"}, wantA: 4, wantB: 3},
		{name: "errors and pending", a: []stream.Poll[int]{pendingItem(), sErr(errBoom)}, b: []stream.Poll[int]{pendingItem(), stream.Item(10)},
			want: []string{"pending", "err boom", "item 10", "end"}, wantA: 3, wantB: 3},
	}, func(a, b stream.Stream[int]) stream.Stream[int] { return combinators.Merge(a, b) })
}

func TestMerge(t *testing.T) {
	a, b, c := testkit.NewStream(items(1, 2)...), testkit.NewStream[int](), testkit.NewStream(pendingItem(), stream.Item(30), sErr(errBoom))
	s := combinators.Merge[int](a, nil, b, c)
	if a.Polls+b.Polls+c.Polls != 0 {
		t.Fatalf("building polled the sources")
	}
	want := []string{"item 1", "item 2", "item 30", "err boom", "end", "end"}
	if diff := cmp.Diff(want, testkit.PollStreamN(t, s, len(want))); diff != "" {
		t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
	}
	if got := []int{a.Polls, b.Polls, c.Polls}; !cmp.Equal(got, []int{3, 1, 4}) {
		t.Errorf("sources polled %v times; want [3 1 4]", got)
	}
	if got := testkit.PollStreamN(t, combinators.Merge[int](), 1); got[0] != "end" {
		t.Errorf("Merge().PollNext() = %s; want end", got[0])
	}
}
