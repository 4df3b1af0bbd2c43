package semaphore_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/semaphore"
)

// TestSelectLoserLeavesSemaphoreWhole: a Select whose loser is an acquire
// waiting in the queue abandons it, so the request leaves the queue and the
// semaphore gets every permit back; nobody calls Cancel.
func TestSelectLoserLeavesSemaphoreWhole(t *testing.T) {
	sem := semaphore.New(2)
	held, ok := sem.TryAcquire(2)
	if !ok {
		t.Fatal("TryAcquire(2) failed on a new semaphore")
	}
	cx, _ := testkit.NewContext()
	done := testkit.NewFuture(future.Pending[*semaphore.Permit](), future.Ok[*semaphore.Permit](nil))
	sel := combinators.Select(future.Future[*semaphore.Permit](sem.Acquire(1)), done)
	if p := sel.Poll(cx); !p.IsPending() {
		t.Fatalf("first poll = ready; want pending (the acquire is queued)")
	}
	if p := sel.Poll(cx); !p.IsReady() || p.Value().Index != 1 {
		t.Fatalf("second poll = %v; want ready, won by the second future", p)
	}
	held.Release()
	if got := sem.Available(); got != 2 {
		t.Errorf("after the Select and the release: Available() = %d; want 2 (the loser's request left the queue)", got)
	}
	if p, ok := sem.TryAcquire(2); !ok {
		t.Errorf("TryAcquire(2) failed: the semaphore is not whole")
	} else {
		p.Release()
	}
}

// TestAbandonGrantedAcquire: permits granted to a waiting acquire that is
// abandoned before it is polled again come back.
func TestAbandonGrantedAcquire(t *testing.T) {
	sem := semaphore.New(1)
	held, _ := sem.TryAcquire(1)
	a := sem.Acquire(1)
	cx, _ := testkit.NewContext()
	if p := a.Poll(cx); !p.IsPending() {
		t.Fatal("Acquire(1) on an empty semaphore is ready")
	}
	held.Release() // granted to a, not yet answered
	future.Abandon(a)
	future.Abandon(a) // idempotent
	if got := sem.Available(); got != 1 {
		t.Errorf("Available() = %d after abandoning a granted acquire; want 1", got)
	}
}
