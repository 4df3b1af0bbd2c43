package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestJoinAll(t *testing.T) {
	tests := append([]multiCase{
		{name: "none", want: []string{"ok []", afterDone}, wantPolls: []int{}},
	}, joinCases...)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want[len(want)-2] == "ok {1 2}" {
				tc.want = append([]string(nil), want...)
				tc.want[len(want)-2] = "ok [1 2]"
			}
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[[]int] {
				f := combinators.JoinAll(fs)
				if len(fs) > 0 {
					fs[0] = nil // JoinAll keeps its own copy
				}
				return f
			}, showPoll)
		})
	}
}
