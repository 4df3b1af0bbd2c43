package tlsio_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/tlsio"
)

// The idle test's client runs in a process of its own (this test binary,
// run again with these variables set), so that the server's memory is
// measured alone.
const (
	idleClientEnv = "EDDY_TLSIO_IDLE_CLIENT"  // the server's address
	idleCountEnv  = "EDDY_TLSIO_IDLE_COUNT"   // how many connections
	idleProfile   = "EDDY_TLSIO_HEAP_PROFILE" // write the server's heap profile here
	idleBulkEnv   = "EDDY_TLSIO_IDLE_BULK"    // bytes each client echoes before idling (default a line)
	idleNEnv      = "EDDY_TLSIO_IDLE_N"       // how many connections (default idleConns)
	idleConns     = 10000
)

// TestIdleConnections opens 10,000 TLS connections to an eddy TLS server,
// each of which completes its handshake and echoes one line, and then
// leaves them idle: the server then runs no goroutine per connection (its
// handshake goroutines are gone) and holds no buffer of eddy's; the heap and
// RSS per connection are logged. With EDDY_TLSIO_HEAP_PROFILE=file the
// server's heap profile at that point is written there; EDDY_TLSIO_IDLE_N
// and EDDY_TLSIO_IDLE_BULK change the number of connections and the bytes
// each echoes before it idles (to see what crypto/tls keeps after bulk
// data).
func TestIdleConnections(t *testing.T) {
	if testing.Short() || raceOn {
		t.Skip("10,000 TLS handshakes take too long under -short or -race")
	}
	n := idleConns
	if v, err := strconv.Atoi(os.Getenv(idleNEnv)); err == nil && v > 0 {
		n = v
	}
	if err := raiseNoFile(uint64(n) + 200); err != nil {
		t.Skipf("cannot open %d descriptors: %v", n, err)
	}
	cert := newCert(t)
	var finished, failed atomic.Int64
	echoed := make(chan result, n)
	cfg := cert.serverConfig(0)
	cfg.CurvePreferences = []tls.CurveID{tls.X25519} // the cheapest key exchange: the test is about memory
	addr := serve(t, cfg, func(s *tlsio.Stream) future.Future[struct{}] {
		return echo(echoed)(s)
	})
	go func() { // count the ends, without holding the channel full
		for r := range echoed {
			if r.err != nil {
				failed.Add(1)
			}
			finished.Add(1)
		}
	}()
	t.Cleanup(func() { close(echoed) })

	if prof := os.Getenv(idleProfile); prof != "" {
		runtime.MemProfileRate = 1
		defer func() { runtime.MemProfileRate = 512 << 10 }()
	}
	goroutines0, heap0, rss0 := measure(t)
	start := time.Now()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), idleClientEnv+"="+addr, idleCountEnv+"="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kill := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() })
	defer kill.Stop()
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "ready\n" {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("client process said %q; stderr:\n%s", line, stderr.String())
	}
	elapsed := time.Since(start)

	goroutines1, heap1, rss1 := measure(t)
	if prof := os.Getenv(idleProfile); prof != "" {
		writeHeapProfile(t, prof)
	}
	t.Logf("%d TLS connections opened, handshaken and echoed in %v (%.0f µs each, client and server on one machine)",
		n, elapsed.Round(time.Millisecond), float64(elapsed.Microseconds())/float64(n))
	t.Logf("server goroutines: %d before, %d with %d idle connections", goroutines0, goroutines1, n)
	t.Logf("server live heap per idle connection: %d B (%d B in all)", (heap1-heap0)/uint64(n), heap1-heap0)
	t.Logf("server RSS per idle connection: %d B (VmRSS %d kB before, %d kB after; memory that earlier tests freed is reused, so run this test alone for the figure)",
		(rss1-rss0)*1024/uint64(n), rss0, rss1)
	if extra := goroutines1 - goroutines0; extra > 10 {
		t.Errorf("%d more goroutines with %d idle TLS connections; want none per connection", extra, n)
	}
	// A pooled buffer held per connection (a copy's 32 KiB, an output
	// buffer's 20 KiB) would show here.
	if per := (heap1 - heap0) / uint64(n); os.Getenv(idleBulkEnv) == "" && per > 16<<10 {
		t.Errorf("live heap per idle connection = %d B; want less than 16 KiB (a buffer held while idle?)", per)
	}

	stdin.Close() // the client closes every connection with close_notify
	if err := cmd.Wait(); err != nil {
		t.Errorf("client process = %v; stderr:\n%s", err, stderr.String())
	}
	deadline := time.Now().Add(time.Minute)
	for finished.Load() < int64(n) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := finished.Load(); got != int64(n) || failed.Load() != 0 {
		t.Errorf("server finished %d of %d connections, %d with an error", got, n, failed.Load())
	}
}

// measure collects the garbage and reports the goroutines, the live heap
// and the VmRSS (kB) of the process.
func measure(t *testing.T) (goroutines int, heap, rss uint64) {
	t.Helper()
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	status, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				rss, _ = strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			}
		}
	}
	return runtime.NumGoroutine(), ms.HeapAlloc, rss
}

func writeHeapProfile(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		t.Fatal(err)
	}
}

// raiseNoFile raises the soft limit of open descriptors to at least n, up
// to the hard limit.
func raiseNoFile(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if uint64(lim.Cur) >= n {
		return nil
	}
	if uint64(lim.Max) < n {
		return fmt.Errorf("hard limit %d", lim.Max)
	}
	lim.Cur = lim.Max // at least n
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// idleClientMain is the client process of TestIdleConnections: it opens
// the connections with crypto/tls, 16 at a time, echoes a line on each,
// says "ready", and closes them all (with close_notify) when its standard
// input ends.
func idleClientMain() int {
	addr := os.Getenv(idleClientEnv)
	n, _ := strconv.Atoi(os.Getenv(idleCountEnv))
	if err := raiseNoFile(uint64(n) + 200); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	// The server is what is measured; the client checks no certificate
	// (the other tests do).
	cfg := &tls.Config{InsecureSkipVerify: true}
	msg := []byte("ping\n")
	if bulk, err := strconv.Atoi(os.Getenv(idleBulkEnv)); err == nil && bulk > 0 {
		msg = bytes.Repeat([]byte("x"), bulk)
	}
	conns := make([]*tls.Conn, n)
	var next atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			buf := make([]byte, len(msg))
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				c, err := tls.DialWithDialer(&net.Dialer{Timeout: 30 * time.Second}, "tcp", addr, cfg)
				if err == nil {
					if _, err = c.Write(msg); err == nil {
						_, err = io.ReadFull(c, buf)
					}
				}
				if err == nil && !bytes.Equal(buf, msg) {
					err = fmt.Errorf("echo differs")
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("connection %d: %w", i, err)
					}
					mu.Unlock()
					next.Store(int64(n))
					return
				}
				conns[i] = c
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		fmt.Println("error")
		fmt.Fprintln(os.Stderr, firstErr)
		return 1
	}
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	// An orderly end: close_notify on every connection, then wait for the
	// server's before closing.
	for _, c := range conns {
		c.CloseWrite()
	}
	status := 0
	for i, c := range conns {
		c.SetReadDeadline(time.Now().Add(time.Minute))
		if rest, err := io.ReadAll(c); err != nil || len(rest) > 0 {
			fmt.Fprintf(os.Stderr, "connection %d: end = %q, %v\n", i, rest, err)
			status = 1
		}
		c.Close()
	}
	return status
}
