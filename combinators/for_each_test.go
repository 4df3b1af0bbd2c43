package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// checkLoop builds a future over a scripted stream and checks laziness, the
// answers and the counts, as checkFuture does.
func checkLoop[T any](t *testing.T, tc streamCase, build func(stream.Stream[int], *calls) future.Future[T]) {
	t.Helper()
	src, c := testkit.NewStream(tc.steps...), &calls{}
	f := build(src, c)
	checkBuilt(t, &src.Polls, c, tc.want, func(n int) []string { return testkit.PollN(t, f, n) }, tc.wantPolls, tc.wantCalls, "stream")
}

// loopCases are shared by ForEach and Fold; the per-item future is second(v)
// and wantOK is what a successful run completes with.
func loopCases(wantOK string) []streamCase {
	nilErr := "err " + combinators.ErrNilFuture.Error()
	return []streamCase{
		{name: "values", steps: items(1, 2, 3), want: []string{wantOK, afterDone}, wantPolls: 4, wantCalls: 3},
		{name: "empty", want: []string{"ok 0", afterDone}, wantPolls: 1},
		{name: "stream pending", steps: []stream.Poll[int]{pendingItem(), stream.Item(1), pendingItem(), stream.Item(2), stream.Item(3)}, want: []string{"pending", "pending", wantOK, afterDone}, wantPolls: 6, wantCalls: 3},
		// While a per-item future is pending, the stream is not polled.
		{name: "item pending", steps: items(-1, -2), want: []string{"pending", "pending", "pending", "pending", "ok -30", afterDone}, wantPolls: 3, wantCalls: 2},
		{name: "item error", steps: []stream.Poll[int]{stream.Item(1), stream.Fail[int](errBoom), stream.Item(3)}, want: []string{"err boom", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "future error", steps: items(1, 0, 3), want: []string{"err other", afterDone}, wantPolls: 2, wantCalls: 2},
		{name: "nil future", steps: items(7, 3), want: []string{nilErr, afterDone}, wantPolls: 1, wantCalls: 1},
	}
}

func TestForEach(t *testing.T) {
	for _, tc := range loopCases("ok 60") {
		t.Run(tc.name, func(t *testing.T) {
			tc.want = forEachWant(tc.want)
			checkLoop(t, tc, func(s stream.Stream[int], c *calls) future.Future[struct{}] {
				return combinators.ForEach(s, func(v int) future.Future[struct{}] {
					c.add()
					return mapSecond(v, func(int) struct{} { return struct{}{} })
				})
			})
		})
	}
}

// mapSecond is Map(second(v), fn), keeping second's nil.
func mapSecond[U any](v int, fn func(int) U) future.Future[U] {
	f := second(v)
	if f == nil {
		return nil
	}
	return combinators.Map(f, fn)
}

// forEachWant turns Fold's expected answers into ForEach's: a success
// completes with no value.
func forEachWant(want []string) []string {
	out := make([]string, len(want))
	for i, w := range want {
		if len(w) > 3 && w[:3] == "ok " {
			w = "ok {}"
		}
		out[i] = w
	}
	return out
}

// TestLoopsYield checks that each loop over an always-ready stream spends
// one unit of budget per item and then yields with its task woken.
func TestLoopsYield(t *testing.T) {
	count := func() stream.Stream[int] {
		return stream.Unfold(0, func(n int) (int, int, bool) { return n, n + 1, true })
	}
	done := func(int) future.Future[struct{}] { return future.Done() }
	add := func(acc, v int) future.Future[int] { return future.Ready(acc + v) }
	tests := []struct {
		name string
		f    future.Future[struct{}]
	}{
		{name: "ForEach", f: combinators.ForEach(count(), done)},
		{name: "Fold", f: combinators.Then(combinators.Fold(count(), 0, add), func(int, error) {})},
		{name: "Collect", f: combinators.Then(combinators.Collect(count()), func([]int, error) {})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &testkit.WakeCounter{}
			cx := future.NewContext(w, nil)
			for i := range 3 {
				taskctx.BeginPoll(cx)
				if p := tc.f.Poll(cx); !p.IsPending() || w.Count() != i+1 || cx.SpendBudget() {
					t.Fatalf("Poll() #%d = %s with %d wake-ups, budget left = %v; want pending with %d, none left",
						i+1, testkit.Describe(p), w.Count(), cx.SpendBudget(), i+1)
				}
			}
		})
	}
}
