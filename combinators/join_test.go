package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
)

// multiCase is a row of the tables for combinators over several futures: a
// script per source, what successive polls answer, and how often each source
// was polled.
type multiCase struct {
	name      string
	steps     [][]future.Poll[int]
	want      []string
	wantPolls []int
}

// checkMulti builds a combinator over scripted sources, checks laziness, the
// answers (rendered by render) and the polls of each source.
func checkMulti[T any](t *testing.T, tc multiCase, build func([]future.Future[int]) future.Future[T], render func(future.Poll[T], []future.Future[int]) string) {
	t.Helper()
	srcs := make([]*testkit.ScriptFuture[int], len(tc.steps))
	fs := make([]future.Future[int], len(tc.steps))
	for i, steps := range tc.steps {
		srcs[i] = testkit.NewFuture(steps...)
		fs[i] = srcs[i]
	}
	f := build(fs)
	polls := func() []int {
		n := make([]int, len(srcs))
		for i, s := range srcs {
			n[i] = s.Polls
		}
		return n
	}
	if diff := cmp.Diff(make([]int, len(srcs)), polls()); diff != "" {
		t.Fatalf("building polled the sources (-want +got):\n%s", diff)
	}
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	var got []string
	for range tc.want {
		taskctx.BeginPoll(cx)
		p := f.Poll(cx)
		if p.IsPending() && !taskctx.WakerTaken(cx) {
			t.Errorf("Poll() #%d = pending with no waker taken", len(got)+1)
		}
		got = append(got, render(p, fs))
	}
	if diff := cmp.Diff(tc.want, got); diff != "" {
		t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(tc.wantPolls, polls()); diff != "" {
		t.Errorf("polls of each source mismatch (-want +got):\n%s", diff)
	}
}

func showPoll[T any](p future.Poll[T], _ []future.Future[int]) string { return testkit.Describe(p) }

func steps(ps ...future.Poll[int]) []future.Poll[int] { return ps }

func fail(err error) future.Poll[int] { return future.Fail[int](err) }

var joinCases = []multiCase{
	{
		name:  "values",
		steps: [][]future.Poll[int]{steps(pending(), future.Ok(1)), steps(pending(), pending(), future.Ok(2))},
		want:  []string{"pending", "pending", "ok {1 2}", afterDone}, wantPolls: []int{2, 3},
	},
	{
		name:  "first fails last",
		steps: [][]future.Poll[int]{steps(pending(), pending(), fail(errBoom)), steps(future.Ok(2))},
		want:  []string{"pending", "pending", "err boom", afterDone}, wantPolls: []int{3, 1},
	},
	{
		name:  "second fails, first dropped",
		steps: [][]future.Poll[int]{steps(pending(), pending(), future.Ok(1)), steps(pending(), fail(errBoom))},
		want:  []string{"pending", "err boom", afterDone}, wantPolls: []int{2, 2},
	},
	{
		name:  "first fails at once, second not polled",
		steps: [][]future.Poll[int]{steps(fail(errBoom)), steps(future.Ok(2))},
		want:  []string{"err boom", afterDone}, wantPolls: []int{1, 0},
	},
}

func TestJoin(t *testing.T) {
	for _, tc := range joinCases {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.Pair[int, int]] {
				return combinators.Join(fs[0], fs[1])
			}, showPoll)
		})
	}
}

func TestJoin3(t *testing.T) {
	tests := []multiCase{
		{
			name:  "values",
			steps: [][]future.Poll[int]{steps(pending(), future.Ok(1)), steps(pending(), pending(), future.Ok(2)), steps(pending(), future.Ok(3))},
			want:  []string{"pending", "pending", "ok {1 2 3}", afterDone}, wantPolls: []int{2, 3, 2},
		},
		{
			name:  "third fails",
			steps: [][]future.Poll[int]{steps(pending(), pending(), future.Ok(1)), steps(future.Ok(2)), steps(pending(), fail(errBoom))},
			want:  []string{"pending", "err boom", afterDone}, wantPolls: []int{2, 1, 2},
		},
		{
			name:  "second fails at once",
			steps: [][]future.Poll[int]{steps(future.Ok(1)), steps(fail(errBoom)), steps(future.Ok(3))},
			want:  []string{"err boom", afterDone}, wantPolls: []int{1, 1, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.Triple[int, int, int]] {
				return combinators.Join3(fs[0], fs[1], fs[2])
			}, showPoll)
		})
	}
}

// TestJoinErrorDropsValues checks that a failed join carries no partial
// values.
func TestJoinErrorDropsValues(t *testing.T) {
	p := combinators.Join(future.Ready(1), future.Failed[int](errBoom)).Poll(future.NewContext(nil, nil))
	if p.Err() != errBoom || p.Value() != (combinators.Pair[int, int]{}) {
		t.Errorf("Poll() = %v, %v; want zero Pair, %v", p.Value(), p.Err(), errBoom)
	}
}
