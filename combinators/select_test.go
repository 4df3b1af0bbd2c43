package combinators_test

import (
	"fmt"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// showSel renders a Selected and the indexes of the futures abandoned so far.
func showSel(p future.Poll[combinators.Selected[int]], fs []future.Future[int]) string {
	if p.IsPending() {
		return "pending, abandoned " + abandoned(fs)
	}
	s := p.Value()
	return fmt.Sprintf("%d: %s, abandoned %s", s.Index, testkit.Describe(future.Result(s.Value, p.Err())), abandoned(fs))
}

// abandoned lists the indexes of the scripted futures of fs that were
// abandoned before they completed.
func abandoned(fs []future.Future[int]) string {
	out := []int{}
	for i, f := range fs {
		if sf, ok := f.(*testkit.ScriptFuture[int]); ok && sf.Abandoned > 0 {
			out = append(out, i)
		}
	}
	return fmt.Sprint(out)
}

func TestSelect(t *testing.T) {
	tests := []multiCase{
		{
			name:  "first wins",
			steps: [][]future.Poll[int]{steps(pending(), future.Ok(1)), steps(pending(), future.Ok(2))},
			want:  []string{"pending, abandoned []", "0: ok 1, abandoned [1]", "0: " + afterDone + ", abandoned [1]"}, wantPolls: []int{2, 1},
		},
		{
			name:  "second fails",
			steps: [][]future.Poll[int]{steps(pending(), pending()), steps(pending(), fail(errBoom))},
			want:  []string{"pending, abandoned []", "1: err boom, abandoned [0]"}, wantPolls: []int{2, 2},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.Selected[int]] {
				return combinators.Select(fs[0], fs[1])
			}, showSel)
		})
	}
}
