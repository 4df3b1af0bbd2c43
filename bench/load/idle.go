package load

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// IdleConfig says how many idle connections to hold, and for how long.
type IdleConfig struct {
	Addr  string        // the echo server, "host:port" on loopback
	Conns int           // connections to open and hold; 0 means 10,000
	Hold  time.Duration // how long to hold them idle, at most MaxDuration; 0 means 3s
	Size  int           // bytes of the one echo each sends afterwards; 0 means 64
	// Held, if set, is called once every connection is open and has been
	// idle for Hold, before any echo: the moment to measure the server.
	Held func()
}

func (c IdleConfig) withDefaults() IdleConfig {
	if c.Conns <= 0 {
		c.Conns = 10000
	}
	if c.Hold <= 0 {
		c.Hold = 3 * time.Second
	}
	c.Hold = min(c.Hold, MaxDuration)
	if c.Size <= 0 {
		c.Size = 64
	}
	return c
}

// IdleResult is what Idle measured.
type IdleResult struct {
	Config  IdleConfig
	Opened  int           // connections opened and held
	Echoed  int           // of those, the ones whose one echo came back intact
	Elapsed time.Duration // the whole run, dialling included
}

// dialers is the number of connections being dialled at once.
const dialers = 32

// Idle opens cfg.Conns connections to cfg.Addr (dialling at most 32 at a
// time, each for at most 5 s; the first failure ends the dialling), holds
// them without a byte sent for cfg.Hold, calls cfg.Held, then has every
// connection echo one message of cfg.Size bytes and checks it. It returns
// the connections opened and echoed, with the first error met; dialling
// is bounded at 60 s, the echoes at 30 s.
func Idle(cfg IdleConfig) (IdleResult, error) {
	cfg = cfg.withDefaults()
	res := IdleResult{Config: cfg}
	if err := checkLoopback(cfg.Addr); err != nil {
		return res, err
	}
	if err := raiseNoFile(uint64(cfg.Conns) + 64); err != nil {
		return res, err
	}
	start := time.Now()
	conns := make([]net.Conn, cfg.Conns)
	defer func() {
		for _, c := range conns {
			if c != nil {
				c.Close()
			}
		}
	}()
	var (
		next  atomic.Int64
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	dialEnd := start.Add(60 * time.Second)
	for range dialers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= cfg.Conns || time.Now().After(dialEnd) {
					return
				}
				c, err := net.DialTimeout("tcp", cfg.Addr, 5*time.Second)
				if err != nil {
					once.Do(func() { first = fmt.Errorf("load: dial %d of %d: %w", i+1, cfg.Conns, err) })
					next.Store(int64(cfg.Conns)) // stop dialling
					return
				}
				conns[i] = c
			}
		}()
	}
	wg.Wait()
	for _, c := range conns {
		if c != nil {
			res.Opened++
		}
	}
	time.Sleep(cfg.Hold)
	if cfg.Held != nil {
		cfg.Held()
	}

	var echoed atomic.Int64
	next.Store(0)
	echoEnd := time.Now().Add(30 * time.Second)
	for range dialers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]byte, cfg.Size)
			in := make([]byte, cfg.Size)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(conns) {
					return
				}
				c := conns[i]
				if c == nil {
					continue
				}
				fillPattern(out, uint64(i))
				c.SetDeadline(echoEnd)
				if _, err := c.Write(out); err != nil {
					continue
				}
				if _, err := io.ReadFull(c, in); err != nil || !bytes.Equal(in, out) {
					continue
				}
				echoed.Add(1)
			}
		}()
	}
	wg.Wait()
	res.Echoed = int(echoed.Load())
	res.Elapsed = time.Since(start)
	if first == nil && res.Echoed < res.Opened {
		first = fmt.Errorf("load: %d of %d idle connections did not echo", res.Opened-res.Echoed, res.Opened)
	}
	return res, first
}

// fillPattern fills p with bytes that depend on id.
func fillPattern(p []byte, id uint64) {
	rnd := rand.New(rand.NewPCG(id, 0x65646479))
	for i := range p {
		p[i] = byte(rnd.Uint32())
	}
}
