package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func pendingF() *testkit.ScriptFuture[int] {
	return testkit.NewFuture(pending(), pending(), pending())
}

func pendingS() *testkit.ScriptStream[int] {
	return testkit.NewStream(stream.Pending[int](), stream.Pending[int](), stream.Pending[int]())
}

// TestAbandonPassesDown: every combinator that holds futures or streams
// passes abandonment down to each one it has not finished with (contract 11).
func TestAbandonPassesDown(t *testing.T) {
	tests := []struct {
		name  string
		build func() (poll func(*future.Context), x any, abandoned func() []int)
	}{
		{"Map", func() (func(*future.Context), any, func() []int) {
			a := pendingF()
			f := combinators.Map(a, func(v int) int { return v })
			return pollF(f), f, counts(a)
		}},
		{"AndThen", func() (func(*future.Context), any, func() []int) {
			a, b := testkit.NewFuture(future.Ok(1)), pendingF()
			f := combinators.AndThen(a, func(int) future.Future[int] { return b })
			return pollF(f), f, counts(b)
		}},
		{"Handle", func() (func(*future.Context), any, func() []int) {
			a := pendingF()
			f := combinators.Handle(a, func(int, error) future.Future[int] { return future.Ready(1) })
			return pollF(f), f, counts(a)
		}},
		{"Then", func() (func(*future.Context), any, func() []int) {
			a := pendingF()
			f := combinators.Then(a, func(int, error) {})
			return pollF(f), f, counts(a)
		}},
		{"Join", func() (func(*future.Context), any, func() []int) {
			a, b := pendingF(), pendingF()
			f := combinators.Join(a, b)
			return pollF(f), f, counts(a, b)
		}},
		{"JoinAll", func() (func(*future.Context), any, func() []int) {
			a, b := pendingF(), pendingF()
			f := combinators.JoinAll([]future.Future[int]{a, b})
			return pollF(f), f, counts(a, b)
		}},
		{"Select", func() (func(*future.Context), any, func() []int) {
			a, b := pendingF(), pendingF()
			f := combinators.Select(a, b)
			return pollF(f), f, counts(a, b)
		}},
		{"Loop", func() (func(*future.Context), any, func() []int) {
			a := pendingF()
			f := combinators.Loop(0, func(int) (future.Future[int], bool) { return a, true })
			return pollF(f), f, counts(a)
		}},
		{"ForEach", func() (func(*future.Context), any, func() []int) {
			s, a := testkit.NewStream(stream.Item(1)), testkit.NewFuture(pending(), pending())
			b := pendingS()
			f := combinators.ForEach(combinators.Chain(s, b), func(int) future.Future[struct{}] {
				return combinators.Discard(a)
			})
			return pollF(f), f, func() []int { return []int{a.Abandoned, b.Abandoned} }
		}},
		{"Forward", func() (func(*future.Context), any, func() []int) {
			s := pendingS()
			f := combinators.Forward[int](s, combinators.NewSliceSink[int]())
			return pollF(f), f, countsS(s)
		}},
		{"Buffered", func() (func(*future.Context), any, func() []int) {
			a, b := pendingF(), pendingF()
			s := testkit.NewStream(stream.Item[future.Future[int]](a), stream.Item[future.Future[int]](b), stream.Pending[future.Future[int]]())
			st := combinators.Buffered(s, 4)
			return pollS(st), st, func() []int { return []int{a.Abandoned, b.Abandoned, s.Abandoned} }
		}},
		{"FuturesUnordered", func() (func(*future.Context), any, func() []int) {
			a, b := pendingF(), pendingF()
			set := combinators.NewFuturesUnordered[int]()
			set.Push(a)
			set.Push(b)
			return pollS[int](set), set, counts(a, b)
		}},
		{"MapStream", func() (func(*future.Context), any, func() []int) {
			s := pendingS()
			st := combinators.MapStream(s, func(v int) int { return v })
			return pollS(st), st, countsS(s)
		}},
		{"Fold", func() (func(*future.Context), any, func() []int) {
			s := pendingS()
			f := combinators.Fold(s, 0, func(a, v int) future.Future[int] { return future.Ready(a + v) })
			return pollF(f), f, countsS(s)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			poll, x, abandoned := tc.build()
			cx, _ := testkit.NewContext()
			poll(cx)
			for i, n := range abandoned() {
				if n != 0 {
					t.Fatalf("source %d abandoned (%d) before its owner was", i, n)
				}
			}
			future.Abandon(x)
			for i, n := range abandoned() {
				if n != 1 {
					t.Errorf("source %d: Abandoned = %d after the combinator was abandoned; want 1", i, n)
				}
			}
		})
	}
}

func pollF[T any](f future.Future[T]) func(*future.Context) {
	return func(cx *future.Context) { f.Poll(cx) }
}

func pollS[T any](s stream.Stream[T]) func(*future.Context) {
	return func(cx *future.Context) { s.PollNext(cx) }
}

func counts(fs ...*testkit.ScriptFuture[int]) func() []int {
	return func() []int {
		n := make([]int, len(fs))
		for i, f := range fs {
			n[i] = f.Abandoned
		}
		return n
	}
}

func countsS(ss ...*testkit.ScriptStream[int]) func() []int {
	return func() []int {
		n := make([]int, len(ss))
		for i, s := range ss {
			n[i] = s.Abandoned
		}
		return n
	}
}

// TestGiveUpAbandons: a combinator that gives a child up because of the
// outcome tells it: the rest of a join after an error, a select's loser, a
// consumer's source after an error.
func TestGiveUpAbandons(t *testing.T) {
	cx, _ := testkit.NewContext()
	a, b := pendingF(), testkit.NewFuture(fail(errBoom))
	combinators.Join(a, b).Poll(cx)
	if a.Abandoned != 1 {
		t.Errorf("Join failed by b: a.Abandoned = %d; want 1", a.Abandoned)
	}
	c, d := pendingF(), testkit.NewFuture(future.Ok(2))
	combinators.SelectEither(c, d).Poll(cx)
	if c.Abandoned != 1 || d.Abandoned != 0 {
		t.Errorf("SelectEither won by d: Abandoned = %d, %d; want 1, 0 (the winner completed)", c.Abandoned, d.Abandoned)
	}
	s := testkit.NewStream(stream.Fail[int](errBoom), stream.Pending[int]())
	combinators.ForEach(s, func(int) future.Future[struct{}] { return future.Done() }).Poll(cx)
	if s.Abandoned != 1 {
		t.Errorf("ForEach failed by an item error: source Abandoned = %d; want 1", s.Abandoned)
	}
	// Take stops reading its source at the limit but does not abandon it:
	// whoever holds it may read on.
	src := testkit.NewStream(stream.Item(1), stream.Item(2))
	testkit.Drain(t, combinators.Take(src, 1))
	if src.Abandoned != 0 {
		t.Errorf("Take at its limit abandoned its source (%d)", src.Abandoned)
	}
}

// TestFuturesUnorderedAbandonEmpties: an abandoned set is empty and usable.
func TestFuturesUnorderedAbandonEmpties(t *testing.T) {
	set := combinators.NewFuturesUnordered[int]()
	a := pendingF()
	set.Push(a)
	set.Push(future.Ready(1))
	cx, _ := testkit.NewContext()
	if p := set.PollNext(cx); !p.IsItem() {
		t.Fatalf("PollNext() = %s; want the ready item", testkit.DescribeItem(p))
	}
	set.Abandon()
	if set.Len() != 0 || a.Abandoned != 1 {
		t.Fatalf("after Abandon: Len() = %d, pending child Abandoned = %d; want 0, 1", set.Len(), a.Abandoned)
	}
	set.Push(future.Ready(7))
	if got := testkit.Drain(t, stream.Stream[int](set)); len(got) != 2 || got[0] != "item 7" {
		t.Errorf("reused set yields %v; want [item 7 end]", got)
	}
}
