package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

func TestOrElseStream(t *testing.T) {
	sStreamTest(t, []streamCase{
		{name: "values pass", steps: items(1, 2), want: []string{"item 1", "item 2", "end", "end"}, wantPolls: 3},
		{name: "recovers", steps: sMixed, want: []string{"item 1", "pending", "pending", "item 7", "item 2", "item 3", "end"}, wantPolls: 6, wantCalls: 1},
		{name: "fails again", steps: []stream.Poll[int]{sErr(errOther)}, want: []string{"err boom", "end"}, wantPolls: 2, wantCalls: 1},
	}, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.OrElseStream(s, func(err error) future.Future[int] {
			c.add()
			if err == errOther {
				return future.Failed[int](errBoom)
			}
			return sOkAfter(1, 7)
		})
	})
}
