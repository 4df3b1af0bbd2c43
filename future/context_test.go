package future_test

import (
	"testing"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
)

func TestNewContext(t *testing.T) {
	w := &testkit.WakeCounter{}
	e := &fakeExecutor{}
	cx := future.NewContext(w, e)
	if got := cx.Executor(); got != future.Executor(e) {
		t.Errorf("Executor() = %v; want %v", got, e)
	}
	cx.Waker().Wake()
	if w.Count() != 1 {
		t.Errorf("Waker().Wake() woke %d times; want 1", w.Count())
	}

	bare := future.NewContext(nil, nil)
	if bare.Executor() != nil {
		t.Errorf("NewContext(nil, nil).Executor() = %v; want nil", bare.Executor())
	}
	if bare.Waker() == nil {
		t.Fatalf("NewContext(nil, nil).Waker() = nil; want NoopWaker")
	}
	bare.Waker().Wake() // must not panic
}

func TestWakerTakenAndBeginPoll(t *testing.T) {
	cx, _ := testkit.NewContext()
	if taskctx.WakerTaken(cx) {
		t.Errorf("WakerTaken() on a new context = true; want false")
	}
	cx.Waker()
	if !taskctx.WakerTaken(cx) {
		t.Errorf("WakerTaken() after Waker() = false; want true")
	}
	taskctx.BeginPoll(cx)
	if taskctx.WakerTaken(cx) {
		t.Errorf("WakerTaken() after BeginPoll() = true; want false")
	}
	cx.Executor() // not a waker hand-off
	if taskctx.WakerTaken(cx) {
		t.Errorf("WakerTaken() after Executor() = true; want false")
	}
}

func TestSpendBudget(t *testing.T) {
	cx, _ := testkit.NewContext()
	for i := range future.DefaultBudget {
		if !cx.SpendBudget() {
			t.Fatalf("SpendBudget() #%d = false; want true for the first %d", i+1, future.DefaultBudget)
		}
	}
	for i := range 3 {
		if cx.SpendBudget() {
			t.Errorf("SpendBudget() #%d = true; want false once %d are spent", future.DefaultBudget+i+1, future.DefaultBudget)
		}
	}
	taskctx.BeginPoll(cx)
	if !cx.SpendBudget() {
		t.Errorf("SpendBudget() after BeginPoll() = false; want the budget restored")
	}
}

func TestWithWakerSharesTaskState(t *testing.T) {
	parentW, childW := &testkit.WakeCounter{}, &testkit.WakeCounter{}
	e := &fakeExecutor{}
	parent := future.NewContext(parentW, e)
	child := parent.WithWaker(childW)

	if child.Executor() != future.Executor(e) {
		t.Errorf("child Executor() = %v; want the parent's %v", child.Executor(), e)
	}
	child.Waker().Wake()
	if parentW.Count() != 0 || childW.Count() != 1 {
		t.Errorf("child Waker().Wake(): parent woken %d, child %d; want 0 and 1", parentW.Count(), childW.Count())
	}
	if !taskctx.WakerTaken(parent) {
		t.Errorf("parent WakerTaken() after the child's Waker() = false; want true (shared)")
	}
	taskctx.BeginPoll(parent)
	if taskctx.WakerTaken(child) {
		t.Errorf("child WakerTaken() after the parent's BeginPoll() = true; want false (shared)")
	}
	for range future.DefaultBudget - 1 {
		parent.SpendBudget()
	}
	if !child.SpendBudget() {
		t.Fatalf("child SpendBudget() with one unit left = false; want true")
	}
	if parent.SpendBudget() {
		t.Errorf("parent SpendBudget() after the child spent the last unit = true; want false (shared)")
	}
}

func TestRelink(t *testing.T) {
	a := &testkit.WakeCounter{}
	e := &fakeExecutor{}
	p1 := future.NewContext(a, nil)
	p2 := future.NewContext(a, e)
	b := &testkit.WakeCounter{}
	child := p1.WithWaker(b)
	taskctx.Relink(child, p2)
	child.Waker().Wake()
	if a.Count() != 0 || b.Count() != 1 {
		t.Errorf("after Relink(child, p2) Waker().Wake() woke the parents' waker %d, the child's %d times; want 0 and 1 (the child keeps its waker)", a.Count(), b.Count())
	}
	if child.Executor() != future.Executor(e) {
		t.Errorf("after Relink Executor() = %v; want the new parent's", child.Executor())
	}
	if !taskctx.WakerTaken(p2) || taskctx.WakerTaken(p1) {
		t.Errorf("after Relink: new parent WakerTaken() = %v, old parent %v; want true, false", taskctx.WakerTaken(p2), taskctx.WakerTaken(p1))
	}
}

// stalled is a child future, named by StalledChild.
type stalled struct{}

func (stalled) Poll(*future.Context) future.Poll[int] { return future.Pending[int]() }

func TestCheckPendingAndStalledChild(t *testing.T) {
	parent := future.NewContext(&testkit.WakeCounter{}, nil)
	child := parent.WithWaker(&testkit.WakeCounter{})
	if got := taskctx.StalledChild(parent); got != nil {
		t.Errorf("StalledChild() on a new context = %v; want nil", got)
	}

	parent.Waker() // the set takes the task's waker: the task-wide flag is set
	taskctx.CheckPending(child, stalled{})
	if got := taskctx.StalledChild(parent); got == nil || got.String() != "future_test.stalled" {
		t.Errorf("StalledChild() after CheckPending on a child that took no waker = %v; want future_test.stalled", got)
	}
	taskctx.Relink(child, parent)
	taskctx.CheckPending(child, &testkit.WakeCounter{}) // the first stall is kept
	if got := taskctx.StalledChild(parent); got == nil || got.String() != "future_test.stalled" {
		t.Errorf("StalledChild() after a second stall = %v; want the first, future_test.stalled", got)
	}
	taskctx.BeginPoll(parent)
	if got := taskctx.StalledChild(child); got != nil {
		t.Errorf("StalledChild() after BeginPoll() = %v; want nil", got)
	}

	taskctx.Relink(child, parent)
	child.Waker()
	taskctx.CheckPending(child, stalled{})
	if got := taskctx.StalledChild(parent); got != nil {
		t.Errorf("StalledChild() after the child took its waker = %v; want nil", got)
	}
	taskctx.Relink(child, parent) // a new poll: the child's flag is clear again
	taskctx.CheckPending(child, stalled{})
	if got := taskctx.StalledChild(parent); got == nil {
		t.Errorf("StalledChild() after Relink and a poll that took no waker = nil; want future_test.stalled")
	}

	other := future.NewContext(&testkit.WakeCounter{}, nil)
	sibling := other.WithWaker(&testkit.WakeCounter{})
	other.Waker()
	taskctx.CheckPending(sibling, stalled{}) // a sibling's flag is its own
	fresh := other.WithWaker(&testkit.WakeCounter{})
	taskctx.BeginPoll(other)
	fresh.Waker()
	taskctx.Relink(sibling, other)
	taskctx.CheckPending(sibling, stalled{})
	if got := taskctx.StalledChild(other); got == nil {
		t.Errorf("StalledChild() = nil; want a stall: one derived context's Waker() does not count for another")
	}
}

func TestWakerFuncAndNoopWaker(t *testing.T) {
	n := 0
	var w future.Waker = future.WakerFunc(func() { n++ })
	w.Wake()
	w.Wake()
	if n != 2 {
		t.Errorf("WakerFunc called %d times after two Wakes; want 2", n)
	}
	future.NoopWaker.Wake()
}
