//go:build linux

package torture

import (
	"io"
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// pingers runs n clients that echo 64-byte messages one after another
// until stop is closed, and returns the latencies of their echoes once
// they have all finished. Every echo must be exact.
func pingers(t *testing.T, addr string, n int, stop <-chan struct{}, deadline time.Time) func() []time.Duration {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var lats []time.Duration
	errs := newErrorList()
	var failed atomic.Int64
	for i := range n {
		wg.Go(func() {
			c, err := dial(addr)
			if err != nil {
				failed.Add(1)
				errs.add(err)
				return
			}
			var mine []time.Duration
			for round := uint64(0); ; round++ {
				select {
				case <-stop:
					if err := finish(c, deadline); err != nil {
						failed.Add(1)
						errs.add(err)
					}
					mu.Lock()
					lats = append(lats, mine...)
					mu.Unlock()
					return
				case <-time.After(time.Millisecond):
				}
				t0 := time.Now()
				if err := echoOnce(c, payload(uint64(i)<<32|round, 64), deadline); err != nil {
					c.Close()
					failed.Add(1)
					errs.add(err)
					return
				}
				mine = append(mine, time.Since(t0))
			}
		})
	}
	return func() []time.Duration {
		wg.Wait()
		if failed.Load() > 0 {
			t.Errorf("%d of %d ping clients failed; first errors: %v", failed.Load(), n, errs.all())
		}
		return lats
	}
}

// copyBufferBound is the constant of the bound on the server's memory
// under a client that never reads: Copy's 32 KiB buffer, with room for
// the measurement's noise.
const copyBufferBound = 1 << 20

// TestNeverReads has a client write up to 1 GiB and never read. The server
// must stop reading once the client's receive buffer and its own send
// buffer are full, so that the client's writes stall after a few MiB (the
// socket buffers), the server's live heap stays within a constant (1 MiB)
// of idle, and other connections keep echoing; their latency is reported.
func TestNeverReads(t *testing.T) {
	s := startServer(t, idleFlags)
	warmUp(t, s)
	b := s.baseline(t)
	deadline := time.Now().Add(120 * time.Second)
	hog, err := dial(s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer hog.Close()
	const giB = 1 << 30
	window := time.Duration(scale(1, 5)) * time.Second
	var written atomic.Int64
	wrote := make(chan error, 1)
	go func() {
		hog.SetWriteDeadline(time.Now().Add(window))
		chunk := payload(1, 1<<20)
		for written.Load() < giB {
			n, err := hog.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				wrote <- err
				return
			}
		}
		wrote <- nil
	}()
	stop := make(chan struct{})
	wait := pingers(t, s.addr, scale(20, 50), stop, deadline)
	var peakHeap uint64
	for end := time.Now().Add(window); time.Now().Before(end); time.Sleep(window / 5) {
		peakHeap = max(peakHeap, s.stats(t).HeapAlloc)
	}
	err = <-wrote
	close(stop)
	lats := wait()
	if err == nil {
		t.Fatalf("the client wrote 1 GiB without reading anything: the server buffers what it cannot send")
	}
	if ne, ok := err.(net.Error); !ok || !ne.Timeout() {
		t.Fatalf("writing to the server: %v; want the write to stall until its deadline", err)
	}
	grew := int64(peakHeap) - int64(b.st.HeapAlloc)
	p50, p99, pmax := percentiles(lats)
	t.Logf("a client that never reads: its writes stalled after %.1f MiB (of 1 GiB); server live heap +%d KiB at most; %d echoes on other connections meanwhile, latency p50 %v, p99 %v, max %v",
		float64(written.Load())/(1<<20), grew>>10, len(lats), p50.Round(time.Microsecond), p99.Round(time.Microsecond), pmax.Round(time.Microsecond))
	if grew > copyBufferBound {
		t.Errorf("server live heap grew by %d bytes under a client that never reads; want at most %d", grew, copyBufferBound)
	}
	if written.Load() > 256<<20 {
		t.Errorf("the client wrote %d bytes without reading; the socket buffers hold far less", written.Load())
	}
	if len(lats) == 0 {
		t.Errorf("no echo completed on the other connections")
	}
	hog.Close() // with unread data: the kernel sends a reset
	st := s.settled(t, b, 60*time.Second)
	checkClean(t, st, "reset")
}

// TestResetMidTransfer has clients reset their connections (SO_LINGER 0,
// then close) part-way through echoing 256 KiB, while others echo the same
// in full: those must be exact, and the server must close every reset
// connection and end where it started.
func TestResetMidTransfer(t *testing.T) {
	resetters, normal, size := scale(50, 200), scale(20, 50), 256<<10
	s := startServer(t, idleFlags)
	warmUp(t, s)
	b := s.baseline(t)
	deadline := time.Now().Add(120 * time.Second)
	errs := newErrorList()
	var failed atomic.Int64
	var wg sync.WaitGroup
	for i := range resetters + normal {
		wg.Go(func() {
			c, err := dial(s.addr)
			if err != nil {
				failed.Add(1)
				errs.add(err)
				return
			}
			p := payload(uint64(i), size)
			if i >= resetters {
				if err := roundTrip(c, p, deadline); err != nil {
					failed.Add(1)
					errs.add(errorf("normal client %d: %v", i, err))
				}
				return
			}
			defer c.Close()
			c.SetDeadline(deadline)
			go c.Write(p) // ends with an error once the connection is reset
			stopAt := rand.New(rand.NewPCG(uint64(i), 5)).IntN(size)
			got := make([]byte, stopAt)
			if _, err := io.ReadFull(c, got); err != nil {
				failed.Add(1)
				errs.add(errorf("resetting client %d: reading %d bytes: %v", i, stopAt, err))
				return
			}
			if err := diff(got, p[:stopAt]); err != nil {
				failed.Add(1)
				errs.add(errorf("resetting client %d: %v", i, err))
			}
			c.SetLinger(0)
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d clients failed; first errors: %v", failed.Load(), errs.all())
	}
	st := s.settled(t, b, 60*time.Second)
	checkClean(t, st, "reset")
	t.Logf("%d clients reset part-way, %d echoed 256 KiB exactly alongside; server: %d completed, %d ended with a reset",
		resetters, normal, st.OK-b.st.OK, st.Errors["reset"]-b.st.Errors["reset"])
	if got := st.OK - b.st.OK; got < int64(normal) {
		t.Errorf("server completed %d connections; want at least %d", got, normal)
	}
}

// TestHalfCloseAndWait has clients send 1 MiB, half-close, and wait a
// while before reading: each must get all its bytes back, then EOF.
func TestHalfCloseAndWait(t *testing.T) {
	clients, size, pause := scale(10, 50), 1<<20, time.Duration(scale(300, 1000))*time.Millisecond
	s := startServer(t, idleFlags)
	warmUp(t, s)
	b := s.baseline(t)
	deadline := time.Now().Add(120 * time.Second)
	errs := newErrorList()
	var failed atomic.Int64
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			c, err := dial(s.addr)
			if err != nil {
				failed.Add(1)
				errs.add(err)
				return
			}
			defer c.Close()
			c.SetDeadline(deadline)
			p := payload(uint64(i), size)
			werr := make(chan error, 1)
			go func() {
				_, err := c.Write(p)
				if err == nil {
					err = c.CloseWrite()
				}
				werr <- err
			}()
			time.Sleep(pause)
			got, err := io.ReadAll(c)
			if err == nil {
				err = <-werr
			}
			if err == nil {
				err = diff(got, p)
			}
			if err != nil {
				failed.Add(1)
				errs.add(errorf("client %d: %v", i, err))
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d clients failed; first errors: %v", failed.Load(), errs.all())
	}
	st := s.settled(t, b, 60*time.Second)
	checkClean(t, st)
	if got := st.OK - b.st.OK; got != int64(clients) {
		t.Errorf("server completed %d connections; want %d", got, clients)
	}
}

// TestVanishingPeer has clients echo a message through the proxy and then
// vanish: the proxy forwards nothing more and closes nothing, as when a
// peer's machine goes away. The server, run with an idle timeout of
// 500 ms, must notice and close every such connection; the test reports
// how long it took.
func TestVanishingPeer(t *testing.T) {
	const idle = 500 * time.Millisecond
	clients := scale(10, 100)
	s := startServer(t, "-idle "+idle.String())
	warmUp(t, s)
	b := s.baseline(t)
	p := startProxy(t, s.addr, proxyConfig{})
	deadline := time.Now().Add(60 * time.Second)
	var cs []*net.TCPConn
	defer func() {
		for _, c := range cs {
			c.Close()
		}
	}()
	for i := range clients {
		c, err := dial(p.addr())
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
		if err := echoOnce(c, payload(uint64(i), 100), deadline); err != nil {
			t.Fatal(err)
		}
	}
	p.vanish()
	t0 := time.Now()
	for s.fds(t) > b.fds {
		if time.Since(t0) > 30*time.Second {
			t.Fatalf("server holds %d descriptors 30 s after its peers vanished; %d when idle", s.fds(t), b.fds)
		}
		time.Sleep(10 * time.Millisecond)
	}
	noticed := time.Since(t0)
	// The clients saw nothing: not the server's close, which the proxy
	// swallowed.
	cs[0].SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, err := cs[0].Read(make([]byte, 1)); !os.IsTimeout(err) {
		t.Errorf("a vanished peer's client read %d bytes, %v; want nothing (the proxy forwards nothing)", n, err)
	}
	st := s.settled(t, b, 30*time.Second)
	checkClean(t, st, "timeout")
	t.Logf("%d peers vanished; the server (idle timeout %v) closed them all within %v", clients, idle, noticed.Round(time.Millisecond))
	if got := st.Errors["timeout"] - b.st.Errors["timeout"]; got != int64(clients) {
		t.Errorf("server timed out %d connections; want %d", got, clients)
	}
	// The server's idle timers started at its last read of each peer,
	// before t0 (taken once the peers vanished, after their last echo came
	// back), so the close may come a little before t0+idle; much earlier
	// would be a timer firing early.
	if noticed < idle-100*time.Millisecond {
		t.Errorf("server closed the connections %v after their peers vanished; before the idle timeout of %v", noticed, idle)
	}
}
