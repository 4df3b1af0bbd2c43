package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

func TestLoop(t *testing.T) {
	tests := []struct {
		name  string
		iter  func(n int) (future.Future[int], bool)
		want  []string
		calls int
	}{
		{
			name: "counts to 3",
			iter: func(n int) (future.Future[int], bool) {
				if n == 3 {
					return nil, false
				}
				return testkit.NewFuture(future.Pending[int](), future.Ok(n+1)), true
			},
			want: []string{"pending", "pending", "pending", "ok 3", afterDone}, calls: 4,
		},
		{
			name: "ends at once",
			iter: func(n int) (future.Future[int], bool) { return future.Ready(n + 1), false },
			want: []string{"ok 0", afterDone}, calls: 1,
		},
		{
			name: "error",
			iter: func(n int) (future.Future[int], bool) {
				if n == 1 {
					return future.Failed[int](errBoom), true
				}
				return future.Ready(n + 1), true
			},
			want: []string{"err boom", afterDone}, calls: 2,
		},
		{
			name: "nil future",
			iter: func(int) (future.Future[int], bool) { return nil, true },
			want: []string{"err " + combinators.ErrNilFuture.Error(), afterDone}, calls: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			f := combinators.Loop(0, func(n int) (future.Future[int], bool) { calls++; return tc.iter(n) })
			if calls != 0 {
				t.Fatalf("building called fn %d times; want 0", calls)
			}
			if diff := cmp.Diff(tc.want, testkit.PollN(t, f, len(tc.want))); diff != "" {
				t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
			}
			if calls != tc.calls {
				t.Errorf("fn called %d times; want %d", calls, tc.calls)
			}
		})
	}
}

func TestLoopYields(t *testing.T) {
	forever := combinators.Loop(0, func(n int) (future.Future[int], bool) {
		return future.Ready(n + 1), true
	})
	w := &testkit.WakeCounter{}
	if p := forever.Poll(future.NewContext(w, nil)); !p.IsPending() || w.Count() != 1 {
		t.Errorf("Poll() = %s with %d wake-ups; want pending with 1", testkit.Describe(p), w.Count())
	}
}
