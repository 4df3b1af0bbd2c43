package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestFlattenStream(t *testing.T) {
	inner := func() []stream.Poll[stream.Stream[int]] {
		return []stream.Poll[stream.Stream[int]]{
			stream.Item[stream.Stream[int]](testkit.NewStream(stream.Item(1), pendingItem(), sErr(errBoom))),
			stream.Pending[stream.Stream[int]](),
			stream.Item[stream.Stream[int]](nil),
			stream.Fail[stream.Stream[int]](errOther),
			stream.Item(stream.Of(2, 3)),
		}
	}
	src := testkit.NewStream(inner()...)
	s := combinators.FlattenStream[int](src)
	if src.Polls != 0 {
		t.Fatalf("building polled the source")
	}
	want := []string{"item 1", "pending", "err boom", "pending", "err other", "item 2", "item 3", "end", "end"}
	if diff := cmp.Diff(want, testkit.PollStreamN(t, s, len(want))); diff != "" {
		t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
	}
	if src.Polls != 6 {
		t.Errorf("source polled %d times; want 6", src.Polls)
	}
}
