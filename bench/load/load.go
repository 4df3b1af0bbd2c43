// Package load is an echo load generator: a number of connections each
// send messages to an echo server, wait for them to come back, check that
// every byte is the one sent, and send again, for a bounded time. It
// reports messages per second, megabytes per second and the round-trip
// latency of messages (median and 99th percentile).
package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// MaxDuration caps Config.Duration: a run never measures longer.
const MaxDuration = 60 * time.Second

// Config says what load to send.
type Config struct {
	Addr     string        // the echo server, "host:port"
	Conns    int           // connections, each on its own goroutine; 0 means 100
	Size     int           // bytes per message; 0 means 64
	Duration time.Duration // how long to measure, at most MaxDuration; 0 means 5s
	Pipeline int           // messages in flight per connection; 0 means 1
	// Begin and End, if set, are called when the measured time begins
	// (every connection dialled) and when it ends (before the connections
	// close): the moments to read the server's CPU time.
	Begin, End func()
}

func (c Config) withDefaults() Config {
	if c.Conns <= 0 {
		c.Conns = 100
	}
	if c.Size <= 0 {
		c.Size = 64
	}
	if c.Duration <= 0 {
		c.Duration = 5 * time.Second
	}
	c.Duration = min(c.Duration, MaxDuration)
	if c.Pipeline <= 0 {
		c.Pipeline = 1
	}
	return c
}

// Result is what a run measured.
type Result struct {
	Config  Config        // the configuration run, defaults filled in
	Msgs    int64         // messages echoed and checked
	Elapsed time.Duration // from the first send to the last connection's end
	P50     time.Duration // median round trip of a message
	P99     time.Duration // 99th percentile round trip of a message
}

// MsgsPerSec is the number of messages echoed per second.
func (r Result) MsgsPerSec() float64 { return float64(r.Msgs) / r.Elapsed.Seconds() }

// MBPerSec is the number of megabytes (10^6 bytes) echoed per second, in
// one direction: the bytes sent, which are also the bytes received.
func (r Result) MBPerSec() float64 {
	return float64(r.Msgs) * float64(r.Config.Size) / r.Elapsed.Seconds() / 1e6
}

func (r Result) String() string {
	return fmt.Sprintf("%d conns, %d B messages, pipeline %d, %v: %d msgs, %.0f msgs/s, %.2f MB/s, p50 %v, p99 %v",
		r.Config.Conns, r.Config.Size, r.Config.Pipeline, r.Elapsed.Round(time.Millisecond),
		r.Msgs, r.MsgsPerSec(), r.MBPerSec(), r.P50, r.P99)
}

// ErrMismatch reports an echo whose bytes differ from those sent.
var ErrMismatch = errors.New("load: echoed bytes differ from those sent")

// Run dials cfg.Conns connections to cfg.Addr, then has each ping-pong
// messages of cfg.Size bytes, cfg.Pipeline at a time, for cfg.Duration.
// Each round sends cfg.Pipeline messages in one write, reads the same
// number of bytes back, and checks them; every message of the round is
// counted with the round's latency. Run fails if a connection cannot be
// dialled, fails, or gets back bytes that differ from those it sent. It
// returns within cfg.Duration plus the dialling and at most 10 seconds
// of grace.
func Run(cfg Config) (Result, error) {
	cfg = cfg.withDefaults()
	if err := checkLoopback(cfg.Addr); err != nil {
		return Result{}, err
	}
	if err := raiseNoFile(uint64(cfg.Conns) + 64); err != nil {
		return Result{}, err
	}
	conns := make([]net.Conn, 0, cfg.Conns)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range cfg.Conns {
		c, err := net.DialTimeout("tcp", cfg.Addr, 5*time.Second)
		if err != nil {
			return Result{}, fmt.Errorf("load: dial %d of %d: %w", len(conns)+1, cfg.Conns, err)
		}
		conns = append(conns, c)
	}

	var (
		stop  atomic.Bool
		wg    sync.WaitGroup
		mu    sync.Mutex
		total hist
		msgs  int64
		first error
	)
	if cfg.Begin != nil {
		cfg.Begin()
	}
	start := time.Now()
	hardStop := start.Add(cfg.Duration + 10*time.Second)
	timer := time.AfterFunc(cfg.Duration, func() { stop.Store(true) })
	defer timer.Stop()
	for i, c := range conns {
		c.SetDeadline(hardStop)
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := new(hist)
			n, err := pingPong(c, cfg, uint64(i), &stop, h)
			mu.Lock()
			defer mu.Unlock()
			total.merge(h)
			msgs += n
			if err != nil && first == nil {
				first = fmt.Errorf("load: connection %d: %w", i, err)
				stop.Store(true) // one failure spoils the run: end it
			}
		}()
	}
	wg.Wait()
	if cfg.End != nil {
		cfg.End()
	}
	r := Result{Config: cfg, Msgs: msgs, Elapsed: time.Since(start),
		P50: total.quantile(0.50), P99: total.quantile(0.99)}
	return r, first
}

// patternSlack is how far apart the rounds of a connection start in its
// pattern, so that consecutive rounds send different bytes.
const patternSlack = 251

// pingPong runs rounds on c until stop is set, and returns the messages
// echoed.
func pingPong(c net.Conn, cfg Config, id uint64, stop *atomic.Bool, h *hist) (int64, error) {
	round := cfg.Size * cfg.Pipeline
	pattern := make([]byte, round+patternSlack)
	rnd := rand.New(rand.NewPCG(id, 0x65646479))
	for i := range pattern {
		pattern[i] = byte(rnd.Uint32())
	}
	in := make([]byte, round)
	var n int64
	for seq := 0; !stop.Load(); seq++ {
		off := seq * 31 % patternSlack
		out := pattern[off : off+round]
		t0 := time.Now()
		if _, err := c.Write(out); err != nil {
			return n, err
		}
		if _, err := io.ReadFull(c, in); err != nil {
			return n, err
		}
		h.add(time.Since(t0), uint64(cfg.Pipeline))
		if !bytes.Equal(in, out) {
			return n, ErrMismatch
		}
		n += int64(cfg.Pipeline)
	}
	return n, nil
}

// ErrNotLoopback reports a target outside the loopback range: this load
// generator only loads servers on the machine it runs on.
var ErrNotLoopback = errors.New("load: the address is not a loopback address")

// checkLoopback accepts only addresses whose host is a loopback IP or
// "localhost".
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%w: %q", ErrNotLoopback, addr)
	}
	return nil
}

// raiseNoFile makes sure the process may open n descriptors, raising its
// soft limit up to the hard one if needed.
func raiseNoFile(n uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return nil // cannot tell: let dial say
	}
	if uint64(lim.Cur) >= n {
		return nil
	}
	if uint64(lim.Max) < n {
		return fmt.Errorf("load: %d connections need %d descriptors; the hard limit is %d", n-64, n, lim.Max)
	}
	lim.Cur = lim.Max
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}
