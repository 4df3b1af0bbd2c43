//go:build linux

package torture

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/socket"
)

// eddyCycle is one connect-echo-close cycle as an eddy client: connect,
// write p and half-close while reading to the end, compare, close.
func eddyCycle(addr string, p []byte) future.Future[struct{}] {
	return combinators.AndThen(socket.ConnectTCP(addr), func(s *socket.TCPStream) future.Future[struct{}] {
		r, w := s.Split()
		send := combinators.AndThen(aio.WriteAll(w, p), func(int) future.Future[struct{}] { return aio.Shutdown(w) })
		echo := combinators.AndThen(combinators.Join(send, aio.ReadToEnd(r)), func(got combinators.Pair[struct{}, []byte]) future.Future[struct{}] {
			if err := diff(got.Second, p); err != nil {
				return future.Failed[struct{}](err)
			}
			return future.Ready(struct{}{})
		})
		return aio.Closing(s, echo)
	})
}

// TestChurnEddyClients runs connect-echo-close cycles (50,000 in the full
// form, 1,000 in the short one) whose clients are eddy's own sockets, on a
// runtime of two loops in the test process, against the echo server: the
// connect path (non-blocking connect, the handshake check, Split, Shutdown,
// Closing) under churn. Every echo must be exact, and both sides must end
// where they started: the server settled, the client runtime with no
// descriptor registered, no task and no timer left.
func TestChurnEddyClients(t *testing.T) {
	leaktest.Fds(t)
	cycles, workers := scale(1000, 50000), 32
	s := startServer(t, "")
	warmUp(t, s)
	b := s.baseline(t)
	var reports atomic.Int64
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2, Config: driver.Config{
		Logf: func(format string, args ...any) { reports.Add(1); t.Logf(format, args...) }}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := rt.Shutdown(t.Context()); err != nil {
			t.Errorf("client runtime shutdown: %v", err)
		}
	}()
	deadline := time.Now().Add(time.Duration(scale(60, 300)) * time.Second)
	errs := newErrorList()
	var failed, next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 8))
			for {
				i := next.Add(1) - 1
				if i >= int64(cycles) || failed.Load() > 0 {
					return
				}
				if time.Now().After(deadline) {
					failed.Add(1)
					errs.add(errDeadline)
					return
				}
				if _, err := driver.Await(rt, eddyCycle(s.addr, payload(uint64(i), 1+r.IntN(16384)))); err != nil {
					failed.Add(1)
					errs.add(errorf("cycle %d: %v", i, err))
					return
				}
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	if failed.Load() > 0 {
		t.Fatalf("%d failures; first errors: %v", failed.Load(), errs.all())
	}
	t.Logf("%d connect-echo-close cycles of eddy clients (up to 16 KiB each) from %d workers in %v: %.0f cycles/s",
		cycles, workers, d.Round(time.Millisecond), float64(cycles)/d.Seconds())
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var tasks, registered, timers int
		for _, st := range rt.Stats() {
			tasks, registered, timers = tasks+st.Tasks, registered+st.Registered, timers+st.Timers
		}
		if tasks == 0 && registered == 0 && timers == 0 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("client runtime holds %d tasks, %d descriptors, %d timers 30 s after the last cycle", tasks, registered, timers)
		}
	}
	if reports.Load() > 0 {
		t.Errorf("client runtime reported %d failed tasks", reports.Load())
	}
	st := s.settled(t, b, 60*time.Second)
	checkClean(t, st)
	if got := st.OK - b.st.OK; got != int64(cycles) {
		t.Errorf("server completed %d connections; want %d", got, cycles)
	}
}
