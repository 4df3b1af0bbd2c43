//go:build linux

package torture

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestHostilePath echoes 100 connections carrying 100 MiB in all (20 and
// 4 MiB in the short form) through a proxy that cuts the stream into
// random pieces of 1 byte to 64 KiB, delays some, stalls a few for 200 ms
// (50 ms in the short form), and resets every tenth connection part-way.
// Every connection the proxy did not reset must get its bytes back
// exactly, and every one it reset must end with an error, never a hang or
// a clean end; the server must end where it started.
func TestHostilePath(t *testing.T) {
	conns, total := scale(20, 100), scale(4<<20, 100<<20)
	size := total / conns
	s := startServer(t, idleFlags)
	warmUp(t, s)
	b := s.baseline(t)
	p := startProxy(t, s.addr, proxyConfig{MaxPiece: 64 << 10, DelayProb: 0.05, MaxDelay: 2 * time.Millisecond,
		StallProb: 0.002, Stall: time.Duration(scale(50, 200)) * time.Millisecond, ResetEvery: 10, ResetBefore: int64(size)})
	deadline := time.Now().Add(time.Duration(scale(60, 300)) * time.Second)
	errs := newErrorList()
	var failed, reset, exact atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		wg.Go(func() {
			c, err := dial(p.addr())
			if err != nil {
				failed.Add(1)
				errs.add(err)
				return
			}
			local := c.LocalAddr().String()
			err = roundTrip(c, payload(uint64(i), size), deadline)
			switch wasReset := p.wasReset(local); {
			case wasReset && err == nil:
				failed.Add(1)
				errs.add(errorf("connection %d: reset by the proxy, yet echoed in full", i))
			case wasReset && !isReset(err):
				failed.Add(1)
				errs.add(errorf("connection %d: reset by the proxy, ended with %v; want a reset error", i, err))
			case wasReset:
				reset.Add(1)
			case err != nil:
				failed.Add(1)
				errs.add(errorf("connection %d: %v", i, err))
			default:
				exact.Add(1)
			}
		})
	}
	wg.Wait()
	d := time.Since(start)
	if failed.Load() > 0 {
		t.Fatalf("%d of %d connections failed; first errors: %v", failed.Load(), conns, errs.all())
	}
	if reset.Load() == 0 {
		t.Errorf("the proxy reset no connection; want every tenth")
	}
	t.Logf("%d connections of %d KiB through the proxy in %v: %d echoed exactly, %d reset (each ended with a reset error); %d pieces, %d stalls; %.1f MiB/s echoed",
		conns, size>>10, d.Round(time.Millisecond), exact.Load(), reset.Load(), p.pieces.Load(), p.stalls.Load(),
		float64(exact.Load())*float64(size)/(1<<20)/d.Seconds())
	p.Close()
	st := s.settled(t, b, 60*time.Second)
	checkClean(t, st, "reset")
	if got := st.OK - b.st.OK; got != exact.Load() {
		t.Errorf("server completed %d connections; want %d", got, exact.Load())
	}
}
