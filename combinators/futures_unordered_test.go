package combinators_test

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func setPolls(ms ...*sManual[string]) []int {
	var n []int
	for _, m := range ms {
		n = append(n, m.Polls)
	}
	return n
}

func TestFuturesUnorderedPollsOnlyWoken(t *testing.T) {
	set := combinators.NewFuturesUnordered[string]()
	a, b, c := &sManual[string]{}, &sManual[string]{}, &sManual[string]{}
	set.Push(a)
	set.Push(b)
	set.Push(c)
	if got := setPolls(a, b, c); !cmp.Equal(got, []int{0, 0, 0}) {
		t.Fatalf("Push polled: %v", got)
	}
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	steps := []struct {
		name  string
		do    func()
		want  string
		polls []int
		wakes int
	}{
		{name: "first poll polls all", want: "pending", polls: []int{1, 1, 1}},
		{name: "nothing woke", want: "pending", polls: []int{1, 1, 1}},
		{name: "b completes", do: func() { b.complete("b") }, want: "item b", polls: []int{1, 2, 1}, wakes: 1},
		{name: "c and a complete", do: func() { c.complete("c"); a.complete("a") }, want: "item c", polls: []int{1, 2, 2}, wakes: 3},
		{name: "a is queued", want: "item a", polls: []int{2, 2, 2}, wakes: 3},
		{name: "empty", want: "end", polls: []int{2, 2, 2}, wakes: 3},
	}
	for _, st := range steps {
		if st.do != nil {
			st.do()
		}
		taskctx.BeginPoll(cx)
		got := testkit.DescribeItem(set.PollNext(cx))
		if got != st.want || !cmp.Equal(setPolls(a, b, c), st.polls) || w.Count() != st.wakes {
			t.Errorf("%s: PollNext() = %s, polls %v, %d wakes; want %s, %v, %d", st.name, got, setPolls(a, b, c), w.Count(), st.want, st.polls, st.wakes)
		}
	}
	set.Push(future.Failed[string](errBoom)) // a set may be pushed to after its end
	if got := testkit.Drain(t, stream.Stream[string](set)); !cmp.Equal(got, []string{"err boom", "end"}) {
		t.Errorf("after Push: %v; want [err boom end]", got)
	}
}

func TestFuturesUnorderedCompletionOrder(t *testing.T) {
	set := combinators.NewFuturesUnordered[int]()
	for i, k := range []int{5, 0, 2, 9} {
		set.Push(sOkAfter(k, i))
	}
	if set.Len() != 4 {
		t.Errorf("Len() = %d; want 4", set.Len())
	}
	want := []string{"item 1", "item 2", "item 0", "item 3", "end"}
	if got := testkit.Drain(t, stream.Stream[int](set)); !cmp.Equal(got, want) {
		t.Errorf("PollNext() answers = %v; want %v", got, want)
	}
}

// TestFuturesUnorderedCrossGoroutine wakes the futures of a set from other
// goroutines while the task polls it.
func TestFuturesUnorderedCrossGoroutine(t *testing.T) {
	const n = 50
	set := combinators.NewFuturesUnordered[string]()
	ms := make([]*sManual[string], n)
	for i := range ms {
		ms[i] = &sManual[string]{}
		set.Push(ms[i])
	}
	woken := make(chan struct{}, 1)
	cx := future.NewContext(future.WakerFunc(func() {
		select {
		case woken <- struct{}{}:
		default:
		}
	}), nil)
	if p := set.PollNext(cx); !p.IsPending() {
		t.Fatalf("PollNext() = %s; want pending", testkit.DescribeItem(p))
	}
	var wg sync.WaitGroup
	for _, m := range ms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.val = "x"
			m.done = true // written before the wake, read by the task after it
			m.waker.Wake()
		}()
	}
	got := 0
	for got < n {
		<-woken
		for {
			p := set.PollNext(cx)
			if !p.IsItem() {
				break
			}
			got++
		}
	}
	wg.Wait()
	if p := set.PollNext(cx); !p.IsEnd() || set.Len() != 0 {
		t.Errorf("PollNext() = %s with Len() %d; want end with 0", testkit.DescribeItem(p), set.Len())
	}
}

// sSelfWaking is a future that is never ready and wakes itself on every poll.
type sSelfWaking struct{}

func (sSelfWaking) Poll(cx *future.Context) future.Poll[int] {
	cx.Waker().Wake()
	return future.Pending[int]()
}

func TestFuturesUnorderedFairAndAllocFree(t *testing.T) {
	set := combinators.NewFuturesUnordered[int]()
	set.Push(sSelfWaking{})
	set.Push(sSelfWaking{})
	cx := future.NewContext(future.NoopWaker, nil)
	set.PollNext(cx) // the first poll makes each child's context
	allocs := testing.AllocsPerRun(100, func() {
		taskctx.BeginPoll(cx)
		if p := set.PollNext(cx); !p.IsPending() {
			t.Fatalf("PollNext() = %s; want pending", testkit.DescribeItem(p))
		}
	})
	if allocs != 0 {
		t.Errorf("AllocsPerRun(PollNext) = %v; want 0", allocs)
	}
}

// setStalled answers pending without taking its context's waker: nothing can
// wake it again.
type setStalled[T any] struct{}

func (*setStalled[T]) Poll(*future.Context) future.Poll[T] { return future.Pending[T]() }

// setKids returns a child that stays pending with its wake-up arranged, and
// next to it either a stalled child or one that wakes itself and completes.
func setKids[T any](stalled bool, selfWaking future.Future[T], parked future.Future[T]) []future.Future[T] {
	if stalled {
		return []future.Future[T]{parked, &setStalled[T]{}}
	}
	return []future.Future[T]{parked, selfWaking}
}

func intKids(stalled bool) []future.Future[int] {
	return setKids[int](stalled, sOkAfter(1, 2), &gate{})
}

// TestSetsRecordStalledChild polls, by hand, each combinator that gives its
// children contexts of their own, with a child that takes no waker next to one
// that does: the task-wide flag is set (the set took the task's waker), and
// the stalled child is recorded for the driver's detector. Well-behaved
// children record nothing.
func TestSetsRecordStalledChild(t *testing.T) {
	const stalledInt = "*combinators_test.setStalled[int]"
	shapes := []struct {
		name  string
		build func(stalled bool) func(*future.Context) bool // polls once, reports pending
		want  string                                        // the stalled child's type
	}{
		{name: "FuturesUnordered", want: stalledInt, build: func(stalled bool) func(*future.Context) bool {
			set := combinators.NewFuturesUnordered[int]()
			for _, f := range intKids(stalled) {
				set.Push(f)
			}
			return func(cx *future.Context) bool { return set.PollNext(cx).IsPending() }
		}},
		{name: "FuturesOrdered", want: stalledInt, build: func(stalled bool) func(*future.Context) bool {
			set := combinators.NewFuturesOrdered[int]()
			for _, f := range intKids(stalled) {
				set.Push(f)
			}
			return func(cx *future.Context) bool { return set.PollNext(cx).IsPending() }
		}},
		{name: "ForEachConcurrent", want: "*combinators_test.setStalled[struct {}]", build: func(stalled bool) func(*future.Context) bool {
			kids := setKids(stalled, future.Yield(), future.Never[struct{}]())
			f := combinators.ForEachConcurrent(stream.FromSlice(kids), 2, func(f future.Future[struct{}]) future.Future[struct{}] { return f })
			return func(cx *future.Context) bool { return f.Poll(cx).IsPending() }
		}},
		{name: "BufferUnordered", want: stalledInt, build: func(stalled bool) func(*future.Context) bool {
			s := combinators.BufferUnordered(stream.FromSlice(intKids(stalled)), 2)
			return func(cx *future.Context) bool { return s.PollNext(cx).IsPending() }
		}},
		{name: "Buffered", want: stalledInt, build: func(stalled bool) func(*future.Context) bool {
			s := combinators.Buffered(stream.FromSlice(intKids(stalled)), 2)
			return func(cx *future.Context) bool { return s.PollNext(cx).IsPending() }
		}},
		{name: "Shared", want: stalledInt, build: func(stalled bool) func(*future.Context) bool {
			var clones []future.Future[int]
			for _, f := range intKids(stalled) {
				clones = append(clones, combinators.Share(f).Clone())
			}
			j := combinators.JoinAll(clones)
			return func(cx *future.Context) bool { return j.Poll(cx).IsPending() }
		}},
	}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			for _, stalled := range []bool{true, false} {
				cx := future.NewContext(&testkit.WakeCounter{}, nil)
				taskctx.BeginPoll(cx)
				if !sh.build(stalled)(cx) {
					t.Fatalf("stalled child %v: first poll answered ready; want pending", stalled)
				}
				if !taskctx.WakerTaken(cx) {
					t.Errorf("stalled child %v: WakerTaken() = false; want true (the set takes the task's waker)", stalled)
				}
				got, want := "", ""
				if st := taskctx.StalledChild(cx); st != nil {
					got = st.String()
				}
				if stalled {
					want = sh.want
				}
				if got != want {
					t.Errorf("stalled child %v: StalledChild() = %q; want %q", stalled, got, want)
				}
			}
		})
	}
}
