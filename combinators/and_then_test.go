package combinators_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestAndThen(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 20", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", afterDone}, wantPolls: 1},
		{name: "pending first", steps: []future.Poll[int]{pending(), future.Ok(1)}, want: []string{"pending", "ok 10", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "pending second", steps: []future.Poll[int]{future.Ok(-1)}, want: []string{"pending", "pending", "ok -10", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "second fails", steps: []future.Poll[int]{future.Ok(0)}, want: []string{"err other", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "nil future", steps: []future.Poll[int]{future.Ok(7)}, want: []string{"err " + combinators.ErrNilFuture.Error(), afterDone}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.AndThen(f, func(v int) future.Future[int] { c.add(); return second(v) })
			})
		})
	}
}

// TestAndThenEdges covers AndThen's degenerate arguments: a nil first
// future answers as a future polled after completion, and a nil fn panics
// with a message naming AndThen when the first future completes (T and U
// the same type, so that the first future could not pass for the second).
func TestAndThenEdges(t *testing.T) {
	cx := future.NewContext(future.NoopWaker, nil)
	nilFirst := combinators.AndThen[int, int](nil, func(v int) future.Future[int] { return future.Ready(v) })
	if err := nilFirst.Poll(cx).Err(); !errors.Is(err, future.ErrPolledAfterCompletion) {
		t.Errorf("AndThen(nil, fn) polled = %v; want %v", err, future.ErrPolledAfterCompletion)
	}

	nilFn := combinators.AndThen[int, int](future.Ready(1), nil)
	defer func() {
		if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "AndThen") {
			t.Errorf("AndThen(f, nil) polled: panic %v; want one naming AndThen", v)
		}
	}()
	p := nilFn.Poll(cx)
	t.Errorf("AndThen(f, nil) polled = %v; want a panic", p)
}
