package combinators_test

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// futureCase is a row of the tables below: the script of the source future,
// what successive polls of the combinator answer, and how often the source
// and the user function ran in all.
type futureCase struct {
	name      string
	steps     []future.Poll[int]
	want      []string
	wantPolls int
	wantCalls int
}

func pending() future.Poll[int] { return future.Pending[int]() }

// checkFuture builds a combinator over a scripted source and checks laziness,
// the polls' answers, and the counts.
func checkFuture[T any](t *testing.T, tc futureCase, build func(future.Future[int], *calls) future.Future[T]) {
	t.Helper()
	src, c := testkit.NewFuture(tc.steps...), &calls{}
	f := build(src, c)
	if src.Polls != 0 || c.n != 0 {
		t.Fatalf("building: %d polls, %d calls; want 0, 0", src.Polls, c.n)
	}
	if diff := cmp.Diff(tc.want, testkit.PollN(t, f, len(tc.want))); diff != "" {
		t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
	}
	if src.Polls != tc.wantPolls || c.n != tc.wantCalls {
		t.Errorf("source polled %d times, fn called %d times; want %d, %d", src.Polls, c.n, tc.wantPolls, tc.wantCalls)
	}
}

func TestMap(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 4", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{future.Fail[int](errBoom)}, want: []string{"err boom", afterDone}, wantPolls: 1},
		{name: "pending", steps: []future.Poll[int]{pending(), pending(), future.Ok(3)}, want: []string{"pending", "pending", "ok 6", afterDone}, wantPolls: 3, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.Map(f, func(v int) int { c.add(); return 2 * v })
			})
		})
	}
}

func TestMapErr(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 2", afterDone}, wantPolls: 1},
		{name: "error", steps: []future.Poll[int]{pending(), future.Fail[int](errBoom)}, want: []string{"pending", "err other", afterDone}, wantPolls: 2, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.MapErr(f, func(error) error { c.add(); return errOther })
			})
		})
	}
	t.Run("nil keeps the error", func(t *testing.T) {
		f := combinators.MapErr(future.Failed[int](errBoom), func(error) error { return nil })
		if _, err := testkit.Run(t, f); err != errBoom {
			t.Errorf("Poll() error = %v; want %v", err, errBoom)
		}
	})
}

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

// second is the future a chaining callback returns for v: it fails for 0,
// is nil for 7, answers pending twice for negative v, and is ready with 10v.
func second(v int) future.Future[int] {
	switch {
	case v == 0:
		return future.Failed[int](errOther)
	case v == 7:
		return nil
	case v < 0:
		return testkit.NewFuture(pending(), pending(), future.Ok(10*v))
	}
	return future.Ready(10 * v)
}

func TestOrElse(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 2", afterDone}, wantPolls: 1},
		{name: "recovers", steps: []future.Poll[int]{pending(), future.Fail[int](errBoom)}, want: []string{"pending", "ok 10", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "fails again", steps: []future.Poll[int]{future.Fail[int](errOther)}, want: []string{"err other", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "nil future", steps: []future.Poll[int]{future.Fail[int](errNil)}, want: []string{"err " + combinators.ErrNilFuture.Error(), afterDone}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[int] {
				return combinators.OrElse(f, func(err error) future.Future[int] {
					c.add()
					switch err {
					case errBoom:
						return testkit.NewFuture(future.Ok(10))
					case errNil:
						return nil
					}
					return future.Failed[int](err)
				})
			})
		})
	}
}

func TestThen(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok {}", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{pending(), future.Fail[int](errBoom)}, want: []string{"pending", "ok {}", afterDone}, wantPolls: 2, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var seen string
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[struct{}] {
				return combinators.Then(f, func(v int, err error) { c.add(); seen = testkit.Describe(future.Result(v, err)) })
			})
			if last := testkit.Describe(tc.steps[len(tc.steps)-1]); seen != last {
				t.Errorf("fn saw %q; want %q", seen, last)
			}
		})
	}
}

func TestThenDo(t *testing.T) {
	tests := []futureCase{
		{name: "value", steps: []future.Poll[int]{future.Ok(2)}, want: []string{"ok 2 <nil>", afterDone}, wantPolls: 1, wantCalls: 1},
		{name: "error", steps: []future.Poll[int]{pending(), future.Fail[int](errBoom)}, want: []string{"pending", "ok 0 boom", afterDone}, wantPolls: 2, wantCalls: 1},
		{name: "nil future", steps: []future.Poll[int]{future.Ok(7)}, want: []string{"err " + combinators.ErrNilFuture.Error(), afterDone}, wantPolls: 1, wantCalls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkFuture(t, tc, func(f future.Future[int], c *calls) future.Future[string] {
				return combinators.ThenDo(f, func(v int, err error) future.Future[string] {
					c.add()
					if v == 7 {
						return nil
					}
					return future.Ready(strconv.Itoa(v) + " " + errString(err))
				})
			})
		})
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
