package future_test

import (
	"errors"
	"testing"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
)

// TestLeavesReadyOnce checks every leaf that is ready on its first poll: the
// answer, and that a second poll answers ErrPolledAfterCompletion.
func TestLeavesReadyOnce(t *testing.T) {
	tests := []struct {
		name    string
		f       future.Future[int]
		wantVal int
		wantErr error
	}{
		{name: "Ready", f: future.Ready(7), wantVal: 7},
		{name: "Ready zero", f: future.Ready(0), wantVal: 0},
		{name: "Failed", f: future.Failed[int](errBoom), wantErr: errBoom},
		{name: "FromResult value", f: future.FromResult(4, nil), wantVal: 4},
		{name: "FromResult error", f: future.FromResult(0, errBoom), wantErr: errBoom},
		{name: "FromResult both", f: future.FromResult(4, errBoom), wantVal: 4, wantErr: errBoom},
		{name: "Lazy", f: future.Lazy(func() (int, error) { return 9, nil }), wantVal: 9},
		{name: "Lazy error", f: future.Lazy(func() (int, error) { return 0, errBoom }), wantErr: errBoom},
		{name: "Defer", f: future.Defer(func() future.Future[int] { return future.Ready(5) }), wantVal: 5},
		{name: "Defer error", f: future.Defer(func() future.Future[int] { return future.Failed[int](errBoom) }), wantErr: errBoom},
		{name: "PollFn", f: future.PollFn(func(*future.Context) future.Poll[int] { return future.Ok(3) }), wantVal: 3},
		{name: "Func", f: future.Func[int](func(*future.Context) future.Poll[int] { return future.Fail[int](errBoom) }), wantErr: errBoom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cx, w := testkit.NewContext()
			p := tc.f.Poll(cx)
			if v, err := p.Result(); p.IsPending() || v != tc.wantVal || err != tc.wantErr {
				t.Fatalf("first Poll() = %s; want %s", testkit.Describe(p), fmtResult(tc.wantVal, tc.wantErr))
			}
			if w.Count() != 0 {
				t.Errorf("first Poll() woke the task %d times; want 0", w.Count())
			}
			if taskctx.WakerTaken(cx) {
				t.Errorf("WakerTaken() after a ready poll = true; want false")
			}
		})
	}
}

func TestSecondPollAnswersErrPolledAfterCompletion(t *testing.T) {
	tests := []struct {
		name string
		f    future.Future[int]
	}{
		{name: "Ready", f: future.Ready(7)},
		{name: "Failed", f: future.Failed[int](errBoom)},
		{name: "FromResult", f: future.FromResult(4, errBoom)},
		{name: "Lazy", f: future.Lazy(func() (int, error) { return 9, nil })},
		{name: "Defer", f: future.Defer(func() future.Future[int] { return future.Ready(5) })},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cx, _ := testkit.NewContext()
			if p := tc.f.Poll(cx); !p.IsReady() {
				t.Fatalf("first Poll() = %s; want ready", testkit.Describe(p))
			}
			for i := range 2 {
				p := tc.f.Poll(cx)
				if v, err := p.Result(); !p.IsReady() || v != 0 || !errors.Is(err, future.ErrPolledAfterCompletion) {
					t.Errorf("Poll() #%d after completion = %s; want %s", i+2, testkit.Describe(p), fmtResult(0, future.ErrPolledAfterCompletion))
				}
			}
		})
	}
}

func TestDoneIsReadyOnEveryPollAndFree(t *testing.T) {
	cx, _ := testkit.NewContext()
	f := future.Done()
	for i := range 3 {
		if p := f.Poll(cx); !p.IsReady() || p.Err() != nil {
			t.Fatalf("Done().Poll() #%d = %s; want ok {}", i+1, testkit.Describe(p))
		}
	}
	allocs := testing.AllocsPerRun(100, func() { future.Done().Poll(cx) })
	if allocs != 0 {
		t.Errorf("Done().Poll() allocates %v times; want 0", allocs)
	}
}

func TestLazyCallsFnOnFirstPollOnly(t *testing.T) {
	calls := 0
	f := future.Lazy(func() (string, error) {
		calls++
		return "hello", nil
	})
	if calls != 0 {
		t.Fatalf("Lazy called fn %d times before any poll; want 0", calls)
	}
	cx, _ := testkit.NewContext()
	if p := f.Poll(cx); p.Value() != "hello" || p.Err() != nil {
		t.Errorf("Poll() = %s; want ok hello", testkit.Describe(p))
	}
	f.Poll(cx)
	f.Poll(cx)
	if calls != 1 {
		t.Errorf("fn called %d times after three polls; want 1", calls)
	}
}

// pendingThenReady answers pending (taking the waker) n times, then v.
type pendingThenReady struct {
	n, polls int
	v        int
}

func (f *pendingThenReady) Poll(cx *future.Context) future.Poll[int] {
	f.polls++
	if f.polls <= f.n {
		cx.Waker()
		return future.Pending[int]()
	}
	return future.Ok(f.v)
}

func TestDeferBuildsOnceAndPassesPendingThrough(t *testing.T) {
	builds := 0
	inner := &pendingThenReady{n: 2, v: 11}
	f := future.Defer(func() future.Future[int] {
		builds++
		return inner
	})
	if builds != 0 {
		t.Fatalf("Defer called build %d times before any poll; want 0", builds)
	}
	cx, _ := testkit.NewContext()
	for i := range 2 {
		taskctx.BeginPoll(cx)
		if p := f.Poll(cx); !p.IsPending() {
			t.Fatalf("Poll() #%d = %s; want pending", i+1, testkit.Describe(p))
		}
		if !taskctx.WakerTaken(cx) {
			t.Errorf("Poll() #%d: WakerTaken() = false; want the inner future's waker taken", i+1)
		}
	}
	if p := f.Poll(cx); p.Value() != 11 || p.Err() != nil || p.IsPending() {
		t.Fatalf("Poll() #3 = %s; want ok 11", testkit.Describe(p))
	}
	if p := f.Poll(cx); !errors.Is(p.Err(), future.ErrPolledAfterCompletion) {
		t.Errorf("Poll() #4 = %s; want ErrPolledAfterCompletion", testkit.Describe(p))
	}
	if builds != 1 || inner.polls != 3 {
		t.Errorf("build called %d times, inner polled %d times; want 1 and 3", builds, inner.polls)
	}
}

func TestPollFnCallsFnOnEveryPoll(t *testing.T) {
	calls := 0
	f := future.PollFn(func(cx *future.Context) future.Poll[int] {
		calls++
		if calls < 3 {
			cx.Waker().Wake()
			return future.Pending[int]()
		}
		return future.Ok(calls)
	})
	if calls != 0 {
		t.Fatalf("PollFn called fn %d times before any poll; want 0", calls)
	}
	cx, w := testkit.NewContext()
	var p future.Poll[int]
	for p.IsPending() {
		p = f.Poll(cx)
	}
	if p.Value() != 3 || w.Count() != 2 {
		t.Errorf("PollFn: Poll() = %s after %d wakes; want ok 3 after 2", testkit.Describe(p), w.Count())
	}
}

func TestNeverTakesWakerAndStaysPending(t *testing.T) {
	cx, w := testkit.NewContext()
	f := future.Never[int]()
	for i := range 3 {
		taskctx.BeginPoll(cx)
		if p := f.Poll(cx); !p.IsPending() {
			t.Fatalf("Never().Poll() #%d = %s; want pending", i+1, testkit.Describe(p))
		}
		if !taskctx.WakerTaken(cx) {
			t.Errorf("Never().Poll() #%d: WakerTaken() = false; want true (not a stall)", i+1)
		}
	}
	if w.Count() != 0 {
		t.Errorf("Never woke its task %d times; want 0", w.Count())
	}
}

// orderWaker records, when woken, whether the poll had already returned.
type orderWaker struct {
	returned bool
	wokeEarly,
	wokeLate int
}

func (w *orderWaker) Wake() {
	if w.returned {
		w.wokeLate++
	} else {
		w.wokeEarly++
	}
}

func TestYieldWakesBeforeAnsweringPending(t *testing.T) {
	w := &orderWaker{}
	cx := future.NewContext(w, nil)
	f := future.Yield()
	p := f.Poll(cx)
	w.returned = true
	if !p.IsPending() {
		t.Fatalf("Yield().Poll() #1 = %s; want pending", testkit.Describe(p))
	}
	if w.wokeEarly != 1 || w.wokeLate != 0 {
		t.Errorf("Yield woke %d times during the poll and %d after; want 1 and 0", w.wokeEarly, w.wokeLate)
	}
	if !taskctx.WakerTaken(cx) {
		t.Errorf("WakerTaken() after Yield = false; want true")
	}
	if p := f.Poll(cx); !p.IsReady() || p.Err() != nil {
		t.Errorf("Yield().Poll() #2 = %s; want ok {}", testkit.Describe(p))
	}
}

func TestBuildingDoesNothing(t *testing.T) {
	// Contract 1: building a leaf calls nothing the caller passed in.
	called := false
	fn := func() (int, error) { called = true; return 0, nil }
	_ = future.Lazy(fn)
	_ = future.Defer(func() future.Future[int] { called = true; return nil })
	_ = future.PollFn(func(*future.Context) future.Poll[int] { called = true; return future.Ok(0) })
	if called {
		t.Errorf("building a future called its function; want nothing called before a poll")
	}
}

func TestLeavesAllocNothingToPoll(t *testing.T) {
	cx, _ := testkit.NewContext()
	f := future.Never[int]()
	fn := future.PollFn(func(*future.Context) future.Poll[int] { return future.Ok(1) })
	allocs := testing.AllocsPerRun(100, func() {
		f.Poll(cx)
		fn.Poll(cx)
	})
	if allocs != 0 {
		t.Errorf("polling Never and PollFn allocates %v times; want 0", allocs)
	}
}
