//go:build linux

package torture

import (
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestChurn runs connect-echo-close cycles (200,000 in the full form, 2,000
// in the short one) from many workers while a steady population of other
// connections (5,000; 100) stays open and keeps echoing, and checks that
// every byte of every cycle comes back, the steady connections are served
// throughout, and the server ends where it started. It reports cycles per
// second and the steady connections' latency. The server runs with an
// idle timeout of a minute (never reached), so every cycle also arms and
// removes a timer. It runs once with each way a server spreads its
// connections over its loops: a listener per loop (SO_REUSEPORT), and one
// acceptor handing connections to the least busy loop.
func TestChurn(t *testing.T) {
	for _, spread := range []string{"ReusePort", "Handoff"} {
		t.Run(spread, func(t *testing.T) {
			flags := idleFlags
			if spread == "Handoff" {
				flags += " -handoff"
			}
			churn(t, flags)
		})
	}
}

func churn(t *testing.T, flags string) {
	cycles, steady, workers := scale(2000, 200000), scale(100, 5000), 32
	s := startServer(t, flags)
	warmUp(t, s)
	b := s.baseline(t)
	deadline := time.Now().Add(time.Duration(scale(60, 420)) * time.Second)
	errs := newErrorList()
	var failed atomic.Int64
	fail := func(err error) { failed.Add(1); errs.add(err) }

	// The steady population: each connection echoes a message now and then
	// (every 20 ms to 400 ms; 100 ms to 2 s in the full form) until the
	// churn is over.
	gap := scale(400, 2000)
	stop := make(chan struct{})
	var steadyWG sync.WaitGroup
	var latMu sync.Mutex
	var lats []time.Duration
	opened := make(chan struct{}, steady)
	for i := range steady {
		steadyWG.Go(func() {
			c, err := dial(s.addr)
			if err != nil {
				fail(err)
				opened <- struct{}{}
				return
			}
			r := rand.New(rand.NewPCG(uint64(i), 2))
			err = echoOnce(c, payload(uint64(i), 32), deadline)
			opened <- struct{}{}
			for round := 0; err == nil; round++ {
				select {
				case <-stop:
					if err := finish(c, deadline); err != nil {
						fail(err)
					}
					return
				case <-time.After(time.Duration(gap/20+r.IntN(gap-gap/20)) * time.Millisecond):
				}
				t0 := time.Now()
				err = echoOnce(c, payload(uint64(i)<<20|uint64(round), 1+r.IntN(512)), deadline)
				latMu.Lock()
				lats = append(lats, time.Since(t0))
				latMu.Unlock()
			}
			c.Close()
			fail(err)
		})
	}
	for range steady {
		<-opened
	}

	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 3))
			for {
				i := next.Add(1) - 1
				if i >= int64(cycles) || failed.Load() > 0 {
					return
				}
				if time.Now().After(deadline) {
					fail(errDeadline)
					return
				}
				c, err := dial(s.addr)
				if err != nil {
					fail(err)
					return
				}
				if err := roundTrip(c, payload(uint64(i)+1<<32, 1+r.IntN(2048)), deadline); err != nil {
					fail(err)
					return
				}
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	close(stop)
	steadyWG.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d failures; first errors: %v", failed.Load(), errs.all())
	}
	p50, p99, pmax := percentiles(lats)
	t.Logf("%d connect-echo-close cycles from %d workers in %v: %.0f cycles/s, with %d steady connections open (%d echoes, latency p50 %v, p99 %v, max %v)",
		cycles, workers, d.Round(time.Millisecond), float64(cycles)/d.Seconds(), steady, len(lats),
		p50.Round(time.Microsecond), p99.Round(time.Microsecond), pmax.Round(time.Microsecond))
	st := s.settled(t, b, 60*time.Second)
	checkClean(t, st)
	if got, want := st.OK-b.st.OK, int64(cycles+steady); got != want {
		t.Errorf("server completed %d connections; want %d", got, want)
	}
}

var errDeadline = errors.New("torture: the scenario ran out of time")
