package combinators_test

import (
	"fmt"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestPeekable(t *testing.T) {
	tests := []struct {
		name  string
		steps []stream.Poll[int]
		ops   string // p: Peek, n: PollNext
		want  []string
		polls int
	}{
		{name: "peek keeps", steps: items(1, 2), ops: "ppnnpn", want: []string{"item 1", "item 1", "item 1", "item 2", "end", "end"}, polls: 3},
		{name: "pending then peek", steps: []stream.Poll[int]{pendingItem(), stream.Item(1)}, ops: "ppn", want: []string{"pending", "item 1", "item 1"}, polls: 2},
		{name: "error", steps: []stream.Poll[int]{sErr(errBoom)}, ops: "pnpn", want: []string{"err boom", "err boom", "end", "end"}, polls: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := testkit.NewStream(tc.steps...)
			p := combinators.Peekable[int](src)
			if src.Polls != 0 {
				t.Fatalf("building polled the source")
			}
			cx := future.NewContext(&testkit.WakeCounter{}, nil)
			var got []string
			for _, op := range tc.ops {
				if op == 'p' {
					got = append(got, testkit.DescribeItem(p.Peek(cx)))
				} else {
					got = append(got, testkit.DescribeItem(p.PollNext(cx)))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || src.Polls != tc.polls {
				t.Errorf("answers = %q, %d source polls; want %q, %d", got, src.Polls, tc.want, tc.polls)
			}
		})
	}
}
