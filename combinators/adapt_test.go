package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestInspect(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{pending(), future.Ok(2)}, want: []string{"pending", "ok 2", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", afterDone}, wantPolls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.Inspect(f, func(int) { c.add() })
			})
		})
	}
}

func TestInspectStream(t *testing.T) {
	tc := streamCase{
		steps: []stream.Poll[int]{stream.Item(1), pendingItem(), stream.Fail[int](errBoom), stream.Item(2)},
		want:  []string{"item 1", "pending", "err boom", "item 2", "end", "end"}, wantPolls: 5, wantCalls: 2,
	}
	checkStream(t, tc, func(s stream.Stream[int], c *calls) stream.Stream[int] {
		return combinators.InspectStream(s, func(int) { c.add() })
	})
}

func TestFlatten(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{pending(), future.Ok(2)}, want: []string{"pending", "ok 20", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "outer error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", afterDone}, wantPolls: 1},
		{name: "inner error", steps: []future.Poll[int]{future.Ok(0)}, want: []string{"err other", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "inner pending", steps: []future.Poll[int]{future.Ok(-3)}, want: []string{"pending", "pending", "ok -30", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "nil inner", steps: []future.Poll[int]{future.Ok(7)}, want: []string{"err " + combinators.ErrNilFuture.Error(), afterDone}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.Flatten(combinators.Map(f, func(v int) future.Future[int] { c.add(); return second(v) }))
			})
		})
	}
}

// checkFutureToStream checks a stream built from a scripted future.
func checkFutureToStream(t *testing.T, tc futureCase, build func(future.Future[int], *calls) stream.Stream[int]) {
	t.Helper()
	src, c := testkit.NewFuture(tc.steps...), &calls{}
	s := build(src, c)
	if src.Polls != 0 || c.n != 0 {
		t.Fatalf("building: %d polls, %d calls; want 0, 0", src.Polls, c.n)
	}
	if diff := cmp.Diff(tc.want, testkit.PollStreamN(t, s, len(tc.want))); diff != "" {
		t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
	}
	if src.Polls != tc.wantPolls || c.n != tc.wantCalls {
		t.Errorf("source polled %d times, fn called %d times; want %d, %d", src.Polls, c.n, tc.wantPolls, tc.wantCalls)
	}
}

func TestFlattenStream(t *testing.T) {
	nilErr := "err " + combinators.ErrNilFuture.Error()
	tests := []futureCase{
		{name: "items", steps: []future.Poll[int]{pending(), future.Ok(2)}, want: []string{"pending", "item 2", "pending", "item 3", "end", "end"}, wantPolls: 2, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", "end", "end"}, wantPolls: 1},
		{name: "nil stream", steps: []future.Poll[int]{future.Ok(0)}, want: []string{nilErr, "end"}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFutureToStream(t, tc, func(f future.Future[int], c *calls) stream.Stream[int] {
				return combinators.FlattenStream(combinators.Map(f, func(v int) stream.Stream[int] {
					c.add()
					if v == 0 {
						return nil
					}
					return testkit.NewStream(stream.Item(v), pendingItem(), stream.Item(v+1))
				}))
			})
		})
	}
}

func TestIntoStream(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{pending(), future.Ok(2)}, want: []string{"pending", "item 2", "end", "end"}, wantPolls: 2},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", "end"}, wantPolls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFutureToStream(t, tc, func(f future.Future[int], _ *calls) stream.Stream[int] {
				return combinators.IntoStream(f)
			})
		})
	}
}

func TestFuse(t *testing.T) {
	src := testkit.NewFuture(pending(), future.Ok(1))
	f := combinators.Fuse(src)
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	var got []string
	for range 4 {
		cx.BeginPoll()
		p := f.Poll(cx)
		got = append(got, testkit.Describe(p))
		if p.IsPending() && !cx.WakerTaken() {
			t.Errorf("Poll() #%d took no waker", len(got))
		}
	}
	if diff := cmp.Diff([]string{"pending", "ok 1", "pending", "pending"}, got); diff != "" {
		t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
	}
	if !f.Done() || src.Polls != 2 {
		t.Errorf("Done() = %v, source polled %d times; want true, 2", f.Done(), src.Polls)
	}
}
