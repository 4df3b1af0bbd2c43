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
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/socket"
)

// TestEddyProxyOnHostilePath puts an eddy proxy (copy.Bidirectional between
// each accepted connection and a connection of its own to the echo server,
// both closed by aio.Closing) behind the fault-injecting proxy: clients →
// faults → eddy proxy → echo server. 50 connections of 512 KiB (20 of
// 128 KiB in the short form), every tenth reset part-way. Half-closes
// travel through both proxies; every connection not reset is echoed
// exactly, every reset one ends with a reset error; the eddy proxy's
// runtime ends with no task or descriptor but its own, and the server
// settles.
func TestEddyProxyOnHostilePath(t *testing.T) {
	leaktest.Fds(t)
	conns, size := scale(20, 50), scale(128<<10, 512<<10)
	s := startServer(t, idleFlags)
	warmUp(t, s)
	b := s.baseline(t)
	var proxied, failedUp atomic.Int64
	ep := startInproc(t, func(conn *socket.TCPStream) future.Future[struct{}] {
		up := combinators.AndThen(socket.ConnectTCP(s.addr), func(up *socket.TCPStream) future.Future[iocopy.Transferred] {
			return aio.Closing(up, iocopy.Bidirectional(conn, up))
		})
		return combinators.Then(aio.Closing(conn, up), func(_ iocopy.Transferred, err error) {
			if err == nil {
				proxied.Add(1)
			} else if !isReset(err) {
				failedUp.Add(1)
				t.Logf("eddy proxy: %v", err)
			}
		})
	})
	p := startProxy(t, ep.addr, proxyConfig{MaxPiece: 64 << 10, DelayProb: 0.05, MaxDelay: 2 * time.Millisecond,
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
			case wasReset && !isReset(err):
				failed.Add(1)
				errs.add(errorf("connection %d: reset by the fault proxy, ended with %v; want a reset error", i, err))
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
	p.Close()
	ep.waitIdle(t, 30*time.Second)
	if failedUp.Load() > 0 {
		t.Errorf("%d proxied connections ended with an error other than a reset", failedUp.Load())
	}
	if proxied.Load() != exact.Load() {
		t.Errorf("the eddy proxy completed %d connections; %d were echoed exactly", proxied.Load(), exact.Load())
	}
	ep.mu.Lock()
	if len(ep.panics) > 0 || len(ep.reports) > 0 {
		t.Errorf("eddy proxy's driver reports: panics %v, others %q", ep.panics, ep.reports)
	}
	ep.mu.Unlock()
	st := s.settled(t, b, 60*time.Second)
	checkClean(t, st, "reset")
	t.Logf("%d connections of %d KiB through the fault proxy and an eddy proxy in %v: %d echoed exactly, %d reset (each ended with a reset error)",
		conns, size>>10, d.Round(time.Millisecond), exact.Load(), reset.Load())
}
