package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/stream"
)

// slot is a per-item future that user code reuses for every item, so that a
// pipeline's user functions allocate nothing.
type slot[T any] struct{ v T }

func (s *slot[T]) Poll(*future.Context) future.Poll[T] { return future.Ok(s.v) }

// TestSteadyStateAllocs checks that polling Map, Filter, Fold and ForEach over
// an always-ready stream allocates nothing per item: each measured poll runs
// a full budget of items.
func TestSteadyStateAllocs(t *testing.T) {
	naturals := func() stream.Stream[int] {
		return stream.Unfold(0, func(n int) (int, int, bool) { return n, n + 1, true })
	}
	pipeline := func() stream.Stream[int] {
		doubled := combinators.MapStream(naturals(), func(n int) int { return 2 * n })
		return combinators.Filter(doubled, func(n int) bool { return n%3 != 0 })
	}
	acc := &slot[int]{}
	unit := &slot[struct{}]{}
	seen := 0
	tests := []struct {
		name string
		poll func(cx *future.Context) bool // reports pending
	}{
		{name: "Map-Filter-Fold", poll: futurePoller(combinators.Fold(pipeline(), 0, func(a, n int) future.Future[int] {
			acc.v = a + n
			return acc
		}))},
		{name: "Map-Filter-ForEach", poll: futurePoller(combinators.ForEach(pipeline(), func(int) future.Future[struct{}] {
			seen++
			return unit
		}))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cx := future.NewContext(future.NoopWaker, nil)
			pending := true
			allocs := testing.AllocsPerRun(100, func() {
				taskctx.BeginPoll(cx)
				pending = pending && tc.poll(cx)
			})
			if !pending {
				t.Fatalf("Poll() completed; want pending after each budget")
			}
			if allocs != 0 {
				t.Errorf("AllocsPerRun(Poll over %d items) = %v; want 0", future.DefaultBudget, allocs)
			}
		})
	}
	if seen == 0 {
		t.Errorf("ForEach ran no items")
	}
}

func futurePoller[T any](f future.Future[T]) func(*future.Context) bool {
	return func(cx *future.Context) bool { return f.Poll(cx).IsPending() }
}
