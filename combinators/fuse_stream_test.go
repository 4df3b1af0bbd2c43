package combinators_test

import (
	"fmt"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestFuseStream(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values", steps: items(1), want: []string{"item 1", "end", "end", "end"}, wantPolls: 2},
		{name: "errors and pending", steps: sMixed, want: []string{"item 1", "pending", "err boom", "item 2", "item 3", "end", "end"}, wantPolls: 6},
	}, func(s stream.Stream[int], _ *calls) stream.Stream[int] {
		return combinators.FuseStream(s)
	})
}

// sRestart is a stream that misbehaves: after its end it yields again.
type sRestart struct{ n int }

func (r *sRestart) PollNext(*future.Context) stream.Poll[int] {
	r.n++
	if r.n%2 == 0 {
		return stream.End[int]()
	}
	return stream.Item(r.n)
}

func TestFuseStreamAfterEnd(t *testing.T) {
	f := combinators.FuseStream[int](&sRestart{})
	got := testkit.PollStreamN(t, f, 4)
	if want := []string{"item 1", "end", "end", "end"}; fmt.Sprint(got) != fmt.Sprint(want) || !f.Done() {
		t.Errorf("PollNext() = %v, Done() = %v; want %v, true", got, f.Done(), want)
	}
}
