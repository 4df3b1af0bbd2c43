package combinators_test

import (
	"errors"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestDropErrors(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1, 2), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3},
		{name: "empty", want: []string{"end", "end"}, wantPolls: 1},
		{name: "errors and pending", steps: sMixed, want: []string{"item 1", "pending", "item 2", "item 3", "end", "end"}, wantPolls: 6},
		{name: "only errors", steps: []stream.Poll[int]{sErr(errBoom), sErr(errBoom)}, want: []string{"end", "end"}, wantPolls: 3},
	}, func(s stream.Stream[int], _ *calls) stream.Stream[int] {
		return combinators.DropErrors(s)
	})
}

func TestDropErrorsYields(t *testing.T) {
	failing := stream.Unfold(0, func(n int) (int, int, bool) { return n, n + 1, true })
	errs := combinators.AndThenStream(failing, func(int) future.Future[int] { return future.Failed[int](errors.New("bad")) })
	s := combinators.DropErrors(errs)
	w := &testkit.WakeCounter{}
	if p := s.PollNext(future.NewContext(w, nil)); !p.IsPending() || w.Count() != 1 {
		t.Errorf("PollNext() = %s with %d wake-ups; want pending with 1", testkit.DescribeItem(p), w.Count())
	}
}
