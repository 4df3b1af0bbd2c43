//go:build linux

package torture

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// TestPanicInHandler makes the server's handler itself (the user's code
// that builds a connection's future, called for each accepted connection)
// panic for every fifth connection, 1,000 connections in all (200 in the
// short form), 50 at a time. Each panic must end only what belongs to that
// connection: it is reported as a *future.PanicError, the connection is
// closed, and the server goes on accepting on every loop, so every other
// connection is echoed exactly.
func TestPanicInHandler(t *testing.T) {
	conns := scale(200, 1000)
	var accepted, panicked atomic.Int64
	s := startInproc(t, func(conn *socket.TCPStream) future.Future[struct{}] {
		if accepted.Add(1)%5 == 0 {
			panicked.Add(1)
			panic(plannedPanic{'H'})
		}
		r, w := conn.Split()
		echo := combinators.AndThen(iocopy.Copy(r, w), func(int64) future.Future[struct{}] { return aio.Shutdown(w) })
		return combinators.Discard(aio.Closing(conn, echo))
	})
	deadline := time.Now().Add(time.Duration(scale(30, 60)) * time.Second)
	errs := newErrorList()
	var failed, exact atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	for i := range conns {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := dial(s.addr)
			if err != nil {
				failed.Add(1)
				errs.add(err)
				return
			}
			if err := roundTrip(c, payload(uint64(i), 1000), deadline); err == nil {
				exact.Add(1)
			} else if time.Now().After(deadline) {
				failed.Add(1)
				errs.add(errorf("client %d: %v", i, err))
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d clients hung; first errors: %v", failed.Load(), conns, errs.all())
	}
	if got, want := exact.Load(), int64(conns)-panicked.Load(); got != want {
		t.Errorf("%d connections echoed exactly; want %d (all but the %d whose handler panicked)", got, want, panicked.Load())
	}
	s.waitIdle(t, 30*time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	if int64(len(s.panics)) != panicked.Load() {
		t.Errorf("the driver reported %d panics; the handler panicked %d times", len(s.panics), panicked.Load())
	}
	t.Logf("%d connections, the handler panicked for %d (each reported, its connection closed), %d echoed exactly",
		conns, panicked.Load(), exact.Load())
}
