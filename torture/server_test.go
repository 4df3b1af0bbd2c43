//go:build linux

package torture

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/timer"
)

// serverEnv names the environment variable that makes the test binary an
// echo server; its value holds the server's flags.
const serverEnv = "EDDY_TORTURE_SERVER"

// serverStats is what the server answers to "stats": what only the
// process itself can count. Its descriptors and memory are read from /proc
// by the test, which works even when the server has no descriptor left.
type serverStats struct {
	Goroutines int    // runtime.NumGoroutine
	HeapAlloc  uint64 // live heap after a GC, bytes
	Tasks      int    // live tasks of every loop
	Registered int    // descriptors tracked or registered with the loops
	Timers     int    // timers armed on the loops

	Handled  int64            // connections handed to the handler
	OK       int64            // connections echoed to the end and closed
	Errors   map[string]int64 // connections that ended with an error, by kind
	Samples  []string         // the first few errors of kind "other"
	Reports  int64            // reports of the driver (failed or panicked tasks, stalls)
	ReportsS []string         // the first few reports
}

// counters is the server's bookkeeping, shared by its tasks.
type counters struct {
	handled, ok, reports atomic.Int64
	mu                   sync.Mutex
	errs                 map[string]int64
	samples, reportsS    []string
}

func (c *counters) fail(err error) {
	kind := "other"
	switch {
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ENOTCONN):
		// ENOTCONN: the shutdown after the copy found the connection
		// reset already (the peer closed and answered the last echoed
		// bytes with a reset), as package net's CloseWrite would.
		kind = "reset"
	case errors.Is(err, timer.ErrTimeout):
		kind = "timeout"
	case errors.Is(err, net.ErrClosed):
		kind = "closed"
	}
	c.mu.Lock()
	c.errs[kind]++
	if kind == "other" && len(c.samples) < 5 {
		c.samples = append(c.samples, err.Error())
	}
	c.mu.Unlock()
}

func (c *counters) report(format string, args ...any) {
	c.reports.Add(1)
	c.mu.Lock()
	if len(c.reportsS) < 5 {
		c.reportsS = append(c.reportsS, fmt.Sprintf(format, args...))
	}
	c.mu.Unlock()
}

// serverMain is the echo server: the pipeline of examples/echo (a runtime
// of one loop per core, a listener per loop, Copy then Shutdown, the
// connection closed whatever happens), with counters instead of a log
// line per connection. Its flags come in spec; it listens on 127.0.0.1,
// prints "listening ADDR" on stdout, answers "stats" lines on stdin with a
// JSON line, and shuts down on "quit" or the end of stdin.
func serverMain(spec string) int {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	loops := fs.Int("loops", serverLoops, "event loops")
	idle := fs.Duration("idle", 0, "idle timeout of a connection (0: none)")
	nofile := fs.Uint64("nofile", 0, "RLIMIT_NOFILE soft limit to run under (0: inherited)")
	handoff := fs.Bool("handoff", false, "accept on one loop and hand connections to the least busy (listener.Handoff)")
	if err := fs.Parse(strings.Fields(spec)); err != nil {
		return 2
	}
	if *nofile > 0 {
		var lim syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		lim.Cur = *nofile
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	c := &counters{errs: map[string]int64{}}
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: *loops,
		Config: driver.Config{ShutdownTimeout: 5 * time.Second, Logf: c.report}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg := listener.ServerConfig{}
	if *handoff {
		cfg.Spread = listener.Handoff
	}
	srv, err := cfg.Bind(rt, "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		rt.Shutdown(context.Background())
		return 1
	}
	serve := srv.Serve(func(conn *socket.TCPStream) future.Future[struct{}] {
		c.handled.Add(1)
		r, w := conn.Split()
		var in aio.AsyncReader = r
		if *idle > 0 {
			in = timer.IdleReader(r, *idle)
		}
		echo := combinators.AndThen(iocopy.Copy(in, w), func(n int64) future.Future[int64] {
			return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
		})
		return combinators.Then(aio.Closing(conn, echo), func(_ int64, err error) {
			if err != nil {
				c.fail(err)
			} else {
				c.ok.Add(1)
			}
		})
	})

	ctx, cancel := context.WithCancel(context.Background())
	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintf(out, "listening %s\n", srv.Addr())
	out.Flush()
	go func() {
		defer cancel()
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			switch in.Text() {
			case "stats":
				runtime.GC()
				runtime.GC() // a second time: sync.Pool keeps its items for one GC
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				st := serverStats{Goroutines: runtime.NumGoroutine(), HeapAlloc: ms.HeapAlloc,
					Handled: c.handled.Load(), OK: c.ok.Load(), Reports: c.reports.Load()}
				for _, ls := range rt.Stats() {
					st.Tasks += ls.Tasks
					st.Registered += ls.Registered
					st.Timers += ls.Timers
				}
				c.mu.Lock()
				st.Errors = make(map[string]int64, len(c.errs))
				for k, v := range c.errs {
					st.Errors[k] = v
				}
				st.Samples = append([]string(nil), c.samples...)
				st.ReportsS = append([]string(nil), c.reportsS...)
				c.mu.Unlock()
				b, _ := json.Marshal(st)
				out.Write(append(b, '\n'))
				out.Flush()
			case "quit":
				return
			}
		}
	}()
	if err := rt.RunContext(ctx, serve); err != nil {
		fmt.Fprintf(os.Stderr, "server: %v\n", err)
		return 1
	}
	return 0
}
