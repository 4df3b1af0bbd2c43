package driver_test

import (
	"context"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// TestContextDoneAbandon: an abandoned ContextDone drops its registration
// with the context at once: cancelling the context afterwards wakes nobody.
func TestContextDoneAbandon(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := driver.ContextDone(ctx)
	cx, w := testkit.NewContext()
	if p := f.Poll(cx); !p.IsPending() {
		t.Fatalf("Poll before cancel = %s; want pending", testkit.Describe(p))
	}
	control := driver.ContextDone(ctx) // not abandoned: its wake shows the cancel went through
	ccx, cw := testkit.NewContext()
	control.Poll(ccx)
	future.Abandon(f)
	cancel()
	deadline := time.Now().Add(10 * time.Second)
	for cw.Count() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if cw.Count() == 0 {
		t.Fatalf("the control ContextDone was not woken by cancel")
	}
	if n := w.Count(); n != 0 {
		t.Errorf("cancel after Abandon woke the task %d times; want 0", n)
	}
}
