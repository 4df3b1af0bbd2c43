package future_test

import (
	"os"
	"sync/atomic"
	"testing"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
)

func TestMain(m *testing.M) { os.Exit(leaktest.Check(m)) }

// countingWaker counts its wake-ups; it is safe from any goroutine.
type countingWaker struct{ n atomic.Int64 }

func (w *countingWaker) Wake() { w.n.Add(1) }

// newCx returns a context whose waker counts wake-ups, polled outside any
// driver (no executor).
func newCx() (*future.Context, *countingWaker) {
	w := &countingWaker{}
	return future.NewContext(w, nil), w
}

// fakeExecutor records the futures spawned on it.
type fakeExecutor struct{ spawned []future.Future[struct{}] }

func (e *fakeExecutor) Spawn(f future.Future[struct{}]) { e.spawned = append(e.spawned, f) }

// describe renders a Poll for failure messages.
func describe[T any](p future.Poll[T]) string {
	if p.IsPending() {
		return "Pending"
	}
	v, err := p.Result()
	return fmtResult(v, err)
}
