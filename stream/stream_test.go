package stream_test

import (
	"iter"
	"slices"
	"testing"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

// countTo3 is an Unfold step: 1, 2, 3, then the end.
func countTo3(n int) (int, int, bool) {
	if n > 3 {
		return 0, n, false
	}
	return n, n + 1, true
}

func TestLeaves(t *testing.T) {
	tests := []struct {
		name string
		s    stream.Stream[int]
		want []step[int]
	}{
		{name: "FromSlice", s: stream.FromSlice([]int{1, 2, 3}), want: []step[int]{item(1), item(2), item(3), end[int]()}},
		{name: "FromSlice empty", s: stream.FromSlice([]int{}), want: []step[int]{end[int]()}},
		{name: "FromSlice nil", s: stream.FromSlice[int](nil), want: []step[int]{end[int]()}},
		{name: "Of", s: stream.Of(4, 5), want: []step[int]{item(4), item(5), end[int]()}},
		{name: "Of nothing", s: stream.Of[int](), want: []step[int]{end[int]()}},
		{name: "FromSeq", s: stream.FromSeq(slices.Values([]int{7, 8})), want: []step[int]{item(7), item(8), end[int]()}},
		{name: "FromSeq empty", s: stream.FromSeq(slices.Values([]int(nil))), want: []step[int]{end[int]()}},
		{name: "Once", s: stream.Once(9), want: []step[int]{item(9), end[int]()}},
		{name: "Once zero", s: stream.Once(0), want: []step[int]{item(0), end[int]()}},
		{name: "OnceErr", s: stream.OnceErr[int](errBoom), want: []step[int]{itemErr[int](errBoom), end[int]()}},
		{name: "Empty", s: stream.Empty[int](), want: []step[int]{end[int]()}},
		{name: "Unfold", s: stream.Unfold(1, countTo3), want: []step[int]{item(1), item(2), item(3), end[int]()}},
		{name: "Unfold ends at once", s: stream.Unfold(10, countTo3), want: []step[int]{end[int]()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := drain(t, tc.s, 100)
			if d := diff(tc.want, got); d != "" {
				t.Fatalf("PollNext() answers mismatch (-want +got):\n%s", d)
			}
			// After the end the streams of this module keep answering the end.
			cx, w := testkit.NewContext()
			for i := range 3 {
				if p := tc.s.PollNext(cx); !p.IsEnd() {
					t.Errorf("PollNext() #%d after the end = %v; want end", i+1, stepOf(p))
				}
			}
			if w.Count() != 0 || taskctx.WakerTaken(cx) {
				t.Errorf("after the end: %d wakes, WakerTaken() = %v; want 0, false", w.Count(), taskctx.WakerTaken(cx))
			}
		})
	}
}

func TestFromSliceReadsAsItGoes(t *testing.T) {
	items := []string{"a", "b"}
	s := stream.FromSlice(items)
	cx, _ := testkit.NewContext()
	if p := s.PollNext(cx); p.Value() != "a" {
		t.Fatalf("PollNext() = %v; want item(a)", stepOf(p))
	}
	items[1] = "B" // documented: the stream reads the slice as it goes
	if p := s.PollNext(cx); p.Value() != "B" {
		t.Errorf("PollNext() after the change = %v; want item(B)", stepOf(p))
	}
}

func TestUnfoldIsLazyAndStopsCalling(t *testing.T) {
	calls := 0
	s := stream.Unfold(0, func(n int) (int, int, bool) {
		calls++
		return n, n + 1, n < 2
	})
	if calls != 0 {
		t.Fatalf("Unfold called fn %d times before any poll; want 0", calls)
	}
	got := drain(t, s, 10)
	if d := diff([]step[int]{item(0), item(1), end[int]()}, got); d != "" {
		t.Errorf("Unfold answers mismatch (-want +got):\n%s", d)
	}
	cx, _ := testkit.NewContext()
	s.PollNext(cx)
	s.PollNext(cx)
	if calls != 3 {
		t.Errorf("fn called %d times; want 3 (none after the end)", calls)
	}
}

func TestFromSeqIsLazy(t *testing.T) {
	started := false
	s := stream.FromSeq(func(yield func(int) bool) {
		started = true
		yield(1)
	})
	leaktest.Goroutines(t) // building started no coroutine either
	if started {
		t.Fatalf("FromSeq started the sequence before any poll")
	}
	got := drain(t, s, 10)
	if !started {
		t.Errorf("sequence not started after polling")
	}
	if d := diff([]step[int]{item(1), end[int]()}, got); d != "" {
		t.Errorf("FromSeq answers mismatch (-want +got):\n%s", d)
	}
}

// TestFromSeqStopsCoroutineAtEnd checks that the iter.Pull coroutine is gone
// once the stream has answered the end: the sequence function has returned
// (its defers ran) and no goroutine is left.
func TestFromSeqStopsCoroutineAtEnd(t *testing.T) {
	tests := []struct {
		name string
		n    int
	}{
		{name: "empty", n: 0},
		{name: "one", n: 1},
		{name: "many", n: 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			leaktest.Goroutines(t)
			returned := false
			var seq iter.Seq[int] = func(yield func(int) bool) {
				defer func() { returned = true }()
				for i := range tc.n {
					if !yield(i) {
						return
					}
				}
			}
			s := stream.FromSeq(seq)
			cx, _ := testkit.NewContext()
			for i := range tc.n {
				if p := s.PollNext(cx); p.Value() != i || !p.IsItem() {
					t.Fatalf("PollNext() #%d = %v; want item(%d)", i+1, stepOf(p), i)
				}
			}
			if returned {
				t.Fatalf("sequence returned before the stream reached its end")
			}
			if p := s.PollNext(cx); !p.IsEnd() {
				t.Fatalf("PollNext() after %d items = %v; want end", tc.n, stepOf(p))
			}
			if !returned {
				t.Errorf("sequence has not returned after the end; want its coroutine finished")
			}
		})
	}
}

func TestFromSeqRestartsNothingAfterEnd(t *testing.T) {
	runs := 0
	s := stream.FromSeq(func(yield func(int) bool) {
		runs++
		yield(runs)
	})
	drain(t, s, 10)
	cx, _ := testkit.NewContext()
	for range 3 {
		if p := s.PollNext(cx); !p.IsEnd() {
			t.Errorf("PollNext() after the end = %v; want end", stepOf(p))
		}
	}
	if runs != 1 {
		t.Errorf("sequence ran %d times; want 1", runs)
	}
}

func TestPollFn(t *testing.T) {
	calls := 0
	s := stream.PollFn(func(cx *future.Context) stream.Poll[int] {
		calls++
		switch calls {
		case 1:
			cx.Waker().Wake()
			return stream.Pending[int]()
		case 2:
			return stream.Item(20)
		case 3:
			return stream.Fail[int](errBoom)
		}
		return stream.End[int]()
	})
	if calls != 0 {
		t.Fatalf("PollFn called fn %d times before any poll; want 0", calls)
	}
	cx, w := testkit.NewContext()
	var got []step[int]
	for range 4 {
		got = append(got, stepOf(s.PollNext(cx)))
	}
	want := []step[int]{{Kind: "pending"}, item(20), itemErr[int](errBoom), end[int]()}
	if d := diff(want, got); d != "" {
		t.Errorf("PollFn answers mismatch (-want +got):\n%s", d)
	}
	if w.Count() != 1 || !taskctx.WakerTaken(cx) {
		t.Errorf("wakes = %d, WakerTaken() = %v; want 1, true", w.Count(), taskctx.WakerTaken(cx))
	}
	var f stream.Func[int] = func(*future.Context) stream.Poll[int] { return stream.Item(1) }
	if p := f.PollNext(cx); p.Value() != 1 {
		t.Errorf("Func.PollNext() = %v; want item(1)", stepOf(p))
	}
}

func TestLeavesPollWithoutAllocating(t *testing.T) {
	cx, _ := testkit.NewContext()
	items := make([]int, 1000)
	tests := []struct {
		name string
		s    stream.Stream[int]
	}{
		{name: "FromSlice", s: stream.FromSlice(items)},
		{name: "Unfold", s: stream.Unfold(0, func(n int) (int, int, bool) { return n, n + 1, true })},
		{name: "Empty", s: stream.Empty[int]()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if allocs := testing.AllocsPerRun(100, func() { tc.s.PollNext(cx) }); allocs != 0 {
				t.Errorf("PollNext() allocates %v times; want 0", allocs)
			}
		})
	}
}
