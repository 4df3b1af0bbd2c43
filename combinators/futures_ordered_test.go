package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

func TestFuturesOrdered(t *testing.T) {
	set := combinators.NewFuturesOrdered[string]()
	a, b, c := &sManual[string]{}, &sManual[string]{}, &sManual[string]{}
	set.Push(a)
	set.Push(b)
	set.Push(future.Failed[string](errBoom))
	set.Push(c)
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	steps := []struct {
		name  string
		do    func()
		want  string
		polls []int
		len   int
	}{
		{name: "first poll", want: "pending", polls: []int{1, 1, 1}, len: 4},
		{name: "b first is held", do: func() { b.complete("b") }, want: "pending", polls: []int{1, 2, 1}, len: 4},
		{name: "a completes", do: func() { a.complete("a") }, want: "item a", polls: []int{2, 2, 1}, len: 3},
		{name: "b was held", want: "item b", polls: []int{2, 2, 1}, len: 2},
		{name: "the error", want: "err boom", polls: []int{2, 2, 1}, len: 1},
		{name: "c pending", want: "pending", polls: []int{2, 2, 1}, len: 1},
		{name: "c completes", do: func() { c.complete("c") }, want: "item c", polls: []int{2, 2, 2}, len: 0},
		{name: "empty", want: "end", polls: []int{2, 2, 2}, len: 0},
	}
	for _, st := range steps {
		if st.do != nil {
			st.do()
		}
		taskctx.BeginPoll(cx)
		got := testkit.DescribeItem(set.PollNext(cx))
		if got != st.want || !cmp.Equal(setPolls(a, b, c), st.polls) || set.Len() != st.len {
			t.Errorf("%s: PollNext() = %s, polls %v, Len() %d; want %s, %v, %d", st.name, got, setPolls(a, b, c), set.Len(), st.want, st.polls, st.len)
		}
	}
}

// TestFuturesOrderedLong pushes and drains many futures that complete out of
// order, to exercise the compaction of the result queue.
func TestFuturesOrderedLong(t *testing.T) {
	set := combinators.NewFuturesOrdered[int]()
	var want []string
	for i := range 200 {
		set.Push(sOkAfter((i*7)%5, i))
		want = append(want, testkit.DescribeItem(stream.Item(i)))
	}
	want = append(want, "end")
	if got := testkit.Drain(t, stream.Stream[int](set)); !cmp.Equal(got, want) {
		t.Errorf("PollNext() answers mismatch (-want +got):\n%s", cmp.Diff(want, got))
	}
}
