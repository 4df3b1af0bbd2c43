package load

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// ChurnConfig says how to churn connections.
type ChurnConfig struct {
	Addr     string        // the echo server, "host:port" on loopback
	Workers  int           // connections in flight at once; 0 means 8
	Duration time.Duration // how long to churn, at most MaxDuration; 0 means 3s
	Max      int           // connections in all, at most; 0 means 20,000
	Size     int           // bytes of each connection's one echo; 0 means 64
}

func (c ChurnConfig) withDefaults() ChurnConfig {
	if c.Workers <= 0 {
		c.Workers = 8
	}
	if c.Duration <= 0 {
		c.Duration = 3 * time.Second
	}
	c.Duration = min(c.Duration, MaxDuration)
	if c.Max <= 0 {
		c.Max = 20000
	}
	if c.Size <= 0 {
		c.Size = 64
	}
	return c
}

// ChurnResult is what Churn measured.
type ChurnResult struct {
	Config  ChurnConfig
	Conns   int64         // connections that connected, echoed intact and closed
	Elapsed time.Duration // from the first dial to the last close
}

// ConnsPerSec is the number of connections completed per second.
func (r ChurnResult) ConnsPerSec() float64 { return float64(r.Conns) / r.Elapsed.Seconds() }

// Churn has cfg.Workers goroutines each connect to cfg.Addr, echo one
// message of cfg.Size bytes, check it and close, over and over, until
// cfg.Duration has passed or cfg.Max connections have been made. A
// connection that fails ends the run with its error. Each connection is
// bounded at 5 s. The cap on the count keeps the closed connections
// waiting in TIME_WAIT well within the ephemeral ports.
func Churn(cfg ChurnConfig) (ChurnResult, error) {
	cfg = cfg.withDefaults()
	res := ChurnResult{Config: cfg}
	if err := checkLoopback(cfg.Addr); err != nil {
		return res, err
	}
	var (
		issued atomic.Int64
		done   atomic.Int64
		stop   atomic.Bool
		wg     sync.WaitGroup
		once   sync.Once
		first  error
	)
	start := time.Now()
	timer := time.AfterFunc(cfg.Duration, func() { stop.Store(true) })
	defer timer.Stop()
	for w := range cfg.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out := make([]byte, cfg.Size)
			in := make([]byte, cfg.Size)
			fillPattern(out, uint64(w))
			for !stop.Load() && issued.Add(1) <= int64(cfg.Max) {
				if err := churnOne(cfg.Addr, out, in); err != nil {
					once.Do(func() { first = fmt.Errorf("load: churn connection %d: %w", done.Load()+1, err) })
					stop.Store(true)
					return
				}
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	res.Conns = done.Load()
	res.Elapsed = time.Since(start)
	return res, first
}

// churnOne connects, echoes out, checks it and closes.
func churnOne(addr string, out, in []byte) error {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write(out); err != nil {
		return err
	}
	if _, err := io.ReadFull(c, in); err != nil {
		return err
	}
	if !bytes.Equal(in, out) {
		return ErrMismatch
	}
	return nil
}
