package combinators_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
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
		cx.BeginPoll()
		p := f.Poll(cx)
		if p.IsPending() && !cx.WakerTaken() {
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

// showSel renders a Selected, naming the handed-back future by its index in fs.
func showSel(p future.Poll[combinators.Selected[int]], fs []future.Future[int]) string {
	if p.IsPending() {
		return "pending"
	}
	s := p.Value()
	return fmt.Sprintf("%d: %s, other %s", s.Index, testkit.Describe(future.Result(s.Value, p.Err())), name(s.Other, fs))
}

// name returns the index of f in fs as a string, or "none".
func name(f future.Future[int], fs []future.Future[int]) string {
	for i, g := range fs {
		if f != nil && g == f {
			return fmt.Sprint(i)
		}
	}
	return "none"
}

func TestSelect(t *testing.T) {
	tests := []multiCase{
		{
			name:  "first wins",
			steps: [][]future.Poll[int]{steps(pending(), future.Ok(1)), steps(pending(), future.Ok(2))},
			want:  []string{"pending", "0: ok 1, other 1", "0: " + afterDone + ", other none"}, wantPolls: []int{2, 1},
		},
		{
			name:  "second fails",
			steps: [][]future.Poll[int]{steps(pending(), pending()), steps(pending(), fail(errBoom))},
			want:  []string{"pending", "1: err boom, other 0"}, wantPolls: []int{2, 2},
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

// showSelAll renders a SelectedAll, naming futures by their index in fs.
func showSelAll(p future.Poll[combinators.SelectedAll[int]], fs []future.Future[int]) string {
	if p.IsPending() {
		return "pending"
	}
	s := p.Value()
	rest := []string{}
	for _, f := range s.Rest {
		rest = append(rest, name(f, fs))
	}
	return fmt.Sprintf("%d: %s, rest %v", s.Index, testkit.Describe(future.Result(s.Value, p.Err())), rest)
}

func TestSelectAll(t *testing.T) {
	tests := []multiCase{
		{name: "none", want: []string{"0: err " + combinators.ErrNoFutures.Error() + ", rest []", "0: " + afterDone + ", rest []"}, wantPolls: []int{}},
		{
			name:  "middle wins",
			steps: [][]future.Poll[int]{steps(pending(), pending()), steps(pending(), future.Ok(2)), steps(pending(), future.Ok(3))},
			want:  []string{"pending", "1: ok 2, rest [0 2]", "0: " + afterDone + ", rest []"}, wantPolls: []int{2, 2, 1},
		},
		{
			name:  "first fails",
			steps: [][]future.Poll[int]{steps(fail(errBoom)), steps(future.Ok(2))},
			want:  []string{"0: err boom, rest [1]"}, wantPolls: []int{1, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.SelectedAll[int]] {
				return combinators.SelectAll(fs)
			}, showSelAll)
		})
	}
}

func TestSelectOk(t *testing.T) {
	tests := []multiCase{
		{name: "none", want: []string{"0: err " + combinators.ErrNoFutures.Error() + ", rest []"}, wantPolls: []int{}},
		{
			name:  "failures skipped",
			steps: [][]future.Poll[int]{steps(fail(errBoom)), steps(pending(), pending(), future.Ok(2)), steps(pending(), future.Ok(3)), steps(pending(), pending(), pending())},
			want:  []string{"pending", "2: ok 3, rest [1 3]", "0: " + afterDone + ", rest []"}, wantPolls: []int{1, 2, 2, 1},
		},
		{
			name:  "all fail",
			steps: [][]future.Poll[int]{steps(pending(), fail(errBoom)), steps(fail(errBoom)), steps(pending(), pending(), fail(errOther))},
			want:  []string{"pending", "pending", "0: err other, rest []"}, wantPolls: []int{2, 1, 3},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.SelectedAll[int]] {
				return combinators.SelectOk(fs)
			}, showSelAll)
		})
	}
}

func TestSelectEither(t *testing.T) {
	tests := []multiCase{
		{
			name:  "left wins",
			steps: [][]future.Poll[int]{steps(pending(), future.Ok(1)), steps(pending(), future.Ok(2))},
			want:  []string{"pending", "ok {1  false}", afterDone}, wantPolls: []int{2, 1},
		},
		{
			name:  "right fails",
			steps: [][]future.Poll[int]{steps(pending(), pending()), steps(pending(), fail(errBoom))},
			want:  []string{"pending", "err boom"}, wantPolls: []int{2, 2},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkMulti(t, tc, func(fs []future.Future[int]) future.Future[combinators.Either[int, string]] {
				return combinators.SelectEither(fs[0], combinators.Map(fs[1], strconv.Itoa))
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
