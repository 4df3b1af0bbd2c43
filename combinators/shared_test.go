package combinators_test

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// gate is a leaf future that stays pending until opened, and then wakes the
// waker of its latest poll. It is safe for concurrent use.
type gate struct {
	mu    sync.Mutex
	open  bool
	waker future.Waker
	polls int
}

func (g *gate) Poll(cx *future.Context) future.Poll[int] {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.polls++
	if g.open {
		return future.Ok(42)
	}
	g.waker = cx.Waker()
	return future.Pending[int]()
}

func (g *gate) Open() {
	g.mu.Lock()
	g.open = true
	w := g.waker
	g.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func TestShared(t *testing.T) {
	g := &gate{}
	s := combinators.Share[int](g)
	a, b := s.Clone(), s.Clone()
	if g.polls != 0 {
		t.Fatalf("Share and Clone polled the future %d times; want 0", g.polls)
	}
	wa, wb := &testkit.WakeCounter{}, &testkit.WakeCounter{}
	cxa, cxb := future.NewContext(wa, nil), future.NewContext(wb, nil)
	got := []string{testkit.Describe(a.Poll(cxa)), testkit.Describe(b.Poll(cxb))}
	g.Open() // wakes both clones through the shared waker
	if wa.Count() != 1 || wb.Count() != 1 {
		t.Errorf("after Open: wake-ups %d, %d; want 1, 1", wa.Count(), wb.Count())
	}
	got = append(got, testkit.Describe(b.Poll(cxb)), testkit.Describe(a.Poll(cxa)), testkit.Describe(b.Poll(cxb)), testkit.Describe(s.Clone().Poll(cxa)))
	want := []string{"pending", "pending", "ok 42", "ok 42", afterDone, "ok 42"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
	}
	if g.polls != 3 || wa.Count() != 2 {
		t.Errorf("future polled %d times, first clone woken %d times; want 3, 2", g.polls, wa.Count())
	}
}

// TestSharedAbandonedClones polls 100,000 clones once each from one task and
// drops them, as a loop of Select(work, shutdown.Clone()) does: the waiting
// list keeps one entry for the task, and one wake-up of the shared future
// wakes the task once, not once per dead clone.
func TestSharedAbandonedClones(t *testing.T) {
	g := &gate{}
	s := combinators.Share[int](g)
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	const n = 100_000
	for i := range n {
		if p := s.Clone().Poll(cx); !p.IsPending() {
			t.Fatalf("clone %d: Poll() = %s; want pending", i, testkit.Describe(p))
		}
	}
	if got := combinators.SharedWaiting(s); got != 1 {
		t.Errorf("waiting list after %d abandoned clones of one task: %d entries; want 1", n, got)
	}
	live := s.Clone()
	if p := live.Poll(cx); !p.IsPending() {
		t.Fatalf("live clone: Poll() = %s; want pending", testkit.Describe(p))
	}
	g.Open()
	if w.Count() != 1 {
		t.Errorf("one wake-up of the shared future called the task's waker %d times; want 1", w.Count())
	}
	if got := testkit.Describe(live.Poll(cx)); got != "ok 42" {
		t.Errorf("live clone after Open: Poll() = %s; want ok 42", got)
	}
	if got := combinators.SharedWaiting(s); got != 0 {
		t.Errorf("waiting list after completion: %d entries; want 0", got)
	}
}

// TestSharedRepolledClone checks that a clone polled again replaces its entry
// of the waiting list: polled many times with a waker that cannot be
// compared, and then by another task, it holds one entry, and only the waker
// of its latest poll is woken.
func TestSharedRepolledClone(t *testing.T) {
	g := &gate{}
	s := combinators.Share[int](g)
	c := s.Clone()
	funcWakes := 0
	cxFunc := future.NewContext(future.WakerFunc(func() { funcWakes++ }), nil)
	for range 1000 {
		c.Poll(cxFunc)
	}
	if got := combinators.SharedWaiting(s); got != 1 {
		t.Errorf("after 1000 polls with one WakerFunc: %d entries; want 1", got)
	}
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	for range 1000 {
		c.Poll(cx)
	}
	if got := combinators.SharedWaiting(s); got != 1 {
		t.Errorf("after moving to another waker: %d entries; want 1", got)
	}
	g.Open()
	if funcWakes != 0 || w.Count() != 1 {
		t.Errorf("Open woke the old waker %d times and the latest %d times; want 0 and 1", funcWakes, w.Count())
	}
	if got := testkit.Describe(c.Poll(cx)); got != "ok 42" {
		t.Errorf("Poll() after Open = %s; want ok 42", got)
	}
}

// TestSharedClonesOfOneTaskCompleting checks that the clone that completes
// the shared future still wakes another clone of its own task that waits with
// the same waker (a Join that polled that clone first).
func TestSharedClonesOfOneTaskCompleting(t *testing.T) {
	g := &gate{}
	s := combinators.Share[int](g)
	a, b := s.Clone(), s.Clone()
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	if p := a.Poll(cx); !p.IsPending() {
		t.Fatalf("a: Poll() = %s; want pending", testkit.Describe(p))
	}
	g.mu.Lock()
	g.open = true // completes on its next poll, without a wake-up
	g.mu.Unlock()
	before := w.Count()
	if got := testkit.Describe(b.Poll(cx)); got != "ok 42" {
		t.Fatalf("b: Poll() = %s; want ok 42", got)
	}
	if w.Count() != before+1 {
		t.Errorf("b's completion woke the task %d times; want 1 (a waits too)", w.Count()-before)
	}
	if got := testkit.Describe(a.Poll(cx)); got != "ok 42" {
		t.Errorf("a: Poll() = %s; want ok 42", got)
	}
}

// TestSharedConcurrent polls clones from several goroutines, each its own
// task that waits for its waker, while another goroutine completes the
// shared future. Run it with -race.
func TestSharedConcurrent(t *testing.T) {
	g := &gate{}
	s := combinators.Share[int](g)
	const n = 8
	results := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		c := s.Clone()
		wg.Go(func() {
			woken := make(chan struct{}, 1)
			cx := future.NewContext(future.WakerFunc(func() {
				select {
				case woken <- struct{}{}:
				default:
				}
			}), nil)
			for {
				if p := c.Poll(cx); p.IsReady() {
					results[i] = p.Value()
					return
				}
				<-woken
			}
		})
	}
	g.Open()
	wg.Wait()
	for i, v := range results {
		if v != 42 {
			t.Errorf("clone %d = %d; want 42", i, v)
		}
	}
}
