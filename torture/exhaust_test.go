//go:build linux

package torture

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestDescriptorExhaustion runs the server with a soft RLIMIT_NOFILE of 256
// while 2,000 clients (400 in the short form) connect and each sends a
// message. The server accepts until it has no descriptor left; the test
// checks that it keeps serving the connections it holds (each echoes a
// second message), that it waits for descriptors without spinning (its
// CPU time over the wait stays under a fifth of one core: listener's
// KeepAccepting backs off after EMFILE), and that once the held clients
// close, every waiting client is accepted and echoed exactly. It reports
// the recovery time. It runs with a listener per loop and with one
// acceptor handing connections over (listener.Handoff).
func TestDescriptorExhaustion(t *testing.T) {
	for _, spread := range []string{"ReusePort", "Handoff"} {
		t.Run(spread, func(t *testing.T) {
			flags := "-nofile 256"
			if spread == "Handoff" {
				flags += " -handoff"
			}
			exhaust(t, flags)
		})
	}
}

func exhaust(t *testing.T, flags string) {
	const limit = 256
	n := scale(400, 2000)
	s := startServer(t, flags)
	warmUp(t, s)
	b := s.baseline(t)
	deadline := time.Now().Add(time.Duration(scale(90, 180)) * time.Second)
	errs := newErrorList()
	var failed, served, echoed2, done atomic.Int64
	fail := func(err error) { failed.Add(1); errs.add(err) }
	phase2, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		select {
		case <-phase2:
		default:
			close(phase2)
		}
		select {
		case <-release:
		default:
			close(release)
		}
		wg.Wait()
	}()
	sem := make(chan struct{}, 64)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			c, err := dial(s.addr)
			<-sem
			if err != nil {
				fail(err)
				return
			}
			defer c.Close()
			if err := echoOnce(c, payload(uint64(i), 100), deadline); err != nil {
				fail(err)
				return
			}
			served.Add(1)
			<-phase2
			if err := echoOnce(c, payload(uint64(i)+1<<32, 1000), deadline); err != nil {
				fail(err)
				return
			}
			echoed2.Add(1)
			<-release
			if err := finish(c, deadline); err != nil {
				fail(err)
				return
			}
			done.Add(1)
		})
	}

	// Wait until the server is out of descriptors and the count of served
	// clients has stopped growing for a second.
	last, since := int64(-1), time.Now()
	for time.Since(since) < time.Second || s.fds(t) < limit {
		if failed.Load() > 0 {
			t.Fatalf("%d clients failed; first errors: %v", failed.Load(), errs.all())
		}
		if time.Now().After(deadline) {
			t.Fatalf("served clients still changing at the deadline: %d", served.Load())
		}
		if v := served.Load(); v != last {
			last, since = v, time.Now()
		}
		time.Sleep(50 * time.Millisecond)
	}
	held := served.Load()
	fds := s.fds(t)
	t.Logf("out of descriptors: %d of %d clients held, server has %d descriptors open (limit %d, %d when idle)", held, n, fds, limit, b.fds)
	if held == 0 || held >= int64(n) || fds > limit {
		t.Fatalf("held %d clients with %d descriptors; want some but not all %d, and at most %d descriptors", held, fds, n, limit)
	}

	// The held connections keep being served.
	close(phase2)
	for echoed2.Load() < held {
		if failed.Load() > 0 || time.Now().After(deadline) {
			t.Fatalf("held clients echoed %d second messages of %d; %d failures: %v", echoed2.Load(), held, failed.Load(), errs.all())
		}
		time.Sleep(10 * time.Millisecond)
	}

	// And the server waits for descriptors without spinning.
	window := time.Duration(scale(1, 5)) * time.Second
	c0, w0 := s.cpu(t), time.Now()
	time.Sleep(window)
	used, wall := s.cpu(t)-c0, time.Since(w0)
	share := used.Seconds() / wall.Seconds()
	t.Logf("server CPU time while out of descriptors: %v in %v (%.1f%% of one core)", used, wall.Round(time.Millisecond), 100*share)
	if share > 0.2 {
		t.Errorf("server used %.0f%% of a core while waiting for descriptors; want under 20%%", 100*share)
	}
	if v := served.Load(); v != held {
		t.Fatalf("served %d clients while out of descriptors; held %d", v, held)
	}

	// The held clients close: every waiting client is served.
	t0 := time.Now()
	close(release)
	var first time.Duration
	for done.Load() < int64(n) {
		if failed.Load() > 0 || time.Now().After(deadline) {
			t.Fatalf("%d of %d clients done; %d failures: %v", done.Load(), n, failed.Load(), errs.all())
		}
		if first == 0 && served.Load() > held {
			first = time.Since(t0)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("recovered: first waiting client served %v after the held ones closed, all %d served in %v",
		first.Round(time.Millisecond), int64(n)-held, time.Since(t0).Round(time.Millisecond))
	st := s.settled(t, b, 60*time.Second)
	checkClean(t, st)
	if got := st.OK - b.st.OK; got != int64(n) {
		t.Errorf("server completed %d connections; want %d", got, n)
	}
}
