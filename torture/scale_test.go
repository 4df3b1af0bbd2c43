//go:build linux

package torture

import (
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// warmUp echoes a few connections so that the server's pools and lazily
// made state exist before its baseline is taken.
func warmUp(t *testing.T, s *serverProc) {
	t.Helper()
	for i := range 8 {
		c, err := dial(s.addr)
		if err != nil {
			t.Fatal(err)
		}
		if err := roundTrip(c, payload(uint64(i), 100000), time.Now().Add(30*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestScale holds many connections open at once (15,000 in the full form,
// 500 in the short one), each echoing a message when it connects and three
// more once all are open, and checks that the server holds them all, then
// that it is back where it started when they close. It reports the
// server's memory per connection.
func TestScale(t *testing.T) {
	n := scale(500, 15000)
	s := startServer(t, "")
	warmUp(t, s)
	b := s.baseline(t)
	deadline := time.Now().Add(time.Duration(scale(60, 300)) * time.Second)

	conns := make([]*net.TCPConn, n)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	errs := newErrorList()
	var failed atomic.Int64
	fail := func(err error) { failed.Add(1); errs.add(err) }
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	start := time.Now()
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := dial(s.addr)
			if err != nil {
				fail(err)
				return
			}
			conns[i] = c
			if err := echoOnce(c, payload(uint64(i), 64), deadline); err != nil {
				fail(err)
			}
		})
	}
	wg.Wait()
	connected := time.Since(start)
	if failed.Load() > 0 {
		t.Fatalf("%d of %d connections failed to connect and echo; first errors: %v", failed.Load(), n, errs.all())
	}
	held, st, rss := s.fds(t)-b.fds, s.stats(t), s.rss(t)
	if held < n || st.Tasks-b.st.Tasks < n {
		t.Fatalf("server holds %d more descriptors and %d more tasks than idle; want %d connections", held, st.Tasks-b.st.Tasks, n)
	}
	t.Logf("%d connections open at once, connected and echoed in %v (%.0f connections/s)", n, connected.Round(time.Millisecond), float64(n)/connected.Seconds())
	t.Logf("server memory with %d idle connections: RSS %.1f MiB (+%.0f B per connection), live heap %.1f MiB (+%.0f B per connection)",
		n, mib(uint64(rss)), float64(rss-b.rss)/float64(n), mib(st.HeapAlloc), float64(int64(st.HeapAlloc)-int64(b.st.HeapAlloc))/float64(n))

	// Every connection echoes three more messages of up to 4 KiB, all at
	// once.
	start = time.Now()
	var peak atomic.Int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // sample the server's RSS while the load runs
		defer close(sampled)
		for {
			if r := s.rss(t); r > peak.Load() {
				peak.Store(r)
			}
			select {
			case <-stopSampling:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	for i, c := range conns {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(i), 1))
			for round := range 3 {
				if err := echoOnce(c, payload(uint64(i*4+round), 1+r.IntN(4096)), deadline); err != nil {
					fail(err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stopSampling)
	<-sampled
	if failed.Load() > 0 {
		t.Fatalf("%d of %d connections failed to echo; first errors: %v", failed.Load(), n, errs.all())
	}
	d := time.Since(start)
	t.Logf("%d echoes of up to 4 KiB on %d connections in %v (%.0f echoes/s); server peak RSS %.1f MiB (+%.0f B per connection)",
		3*n, n, d.Round(time.Millisecond), float64(3*n)/d.Seconds(), mib(uint64(peak.Load())), float64(peak.Load()-b.rss)/float64(n))

	for i, c := range conns {
		wg.Go(func() {
			if err := finish(c, deadline); err != nil {
				fail(err)
			}
		})
		conns[i] = nil
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d connections failed to end with EOF; first errors: %v", failed.Load(), n, errs.all())
	}
	st = s.settled(t, b, 60*time.Second)
	checkClean(t, st)
	if got, want := st.OK-b.st.OK, int64(n); got != want {
		t.Errorf("server completed %d connections; want %d", got, want)
	}
}
