//go:build linux

package torture

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"sort"
	"time"
)

// payload returns n pseudo-random bytes determined by seed.
func payload(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	p := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			p[i+j] = byte(v >> (8 * j))
		}
	}
	return p
}

// dial connects to addr with a generous timeout: a loaded machine may
// retransmit a SYN.
func dial(addr string) (*net.TCPConn, error) {
	c, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err != nil {
		return nil, err
	}
	return c.(*net.TCPConn), nil
}

// echoOnce writes msg on c and reads back exactly as many bytes, which
// must be msg. It does not read more, so c can go on echoing.
func echoOnce(c net.Conn, msg []byte, deadline time.Time) error {
	c.SetDeadline(deadline)
	if _, err := c.Write(msg); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("read echo of %d bytes: %w", len(msg), err)
	}
	return diff(got, msg)
}

// finish half-closes c, checks that the server ends the echo with EOF
// and nothing more, and closes c.
func finish(c *net.TCPConn, deadline time.Time) error {
	defer c.Close()
	c.SetDeadline(deadline)
	if err := c.CloseWrite(); err != nil {
		return fmt.Errorf("close write: %w", err)
	}
	rest, err := io.ReadAll(c)
	if err != nil {
		return fmt.Errorf("read EOF: %w", err)
	}
	if len(rest) > 0 {
		return fmt.Errorf("%d bytes after the echo", len(rest))
	}
	return nil
}

// roundTrip writes p on c while reading, half-closes, and checks that
// everything read until EOF is p. It closes c.
func roundTrip(c *net.TCPConn, p []byte, deadline time.Time) error {
	defer c.Close()
	c.SetDeadline(deadline)
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(p)
		if err == nil {
			err = c.CloseWrite()
		}
		werr <- err
	}()
	got, rerr := io.ReadAll(c)
	if err := <-werr; err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if rerr != nil {
		return fmt.Errorf("read (%d of %d bytes): %w", len(got), len(p), rerr)
	}
	return diff(got, p)
}

// diff says how got differs from want, or returns nil.
func diff(got, want []byte) error {
	if bytes.Equal(got, want) {
		return nil
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	return fmt.Errorf("echoed %d bytes; want %d, first difference at byte %d", len(got), len(want), i)
}

// percentiles returns the 50th, 99th and maximum of ds (sorted in place).
func percentiles(ds []time.Duration) (p50, p99, pmax time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1]
}

// errorList collects the first errors of many goroutines.
type errorList struct {
	ch chan error
}

func newErrorList() *errorList { return &errorList{ch: make(chan error, 20)} }

// add keeps err if fewer than 20 are kept already, and counts it anyway.
func (e *errorList) add(err error) {
	select {
	case e.ch <- err:
	default:
	}
}

// all returns the errors kept.
func (e *errorList) all() []error {
	var errs []error
	for {
		select {
		case err := <-e.ch:
			errs = append(errs, err)
		default:
			return errs
		}
	}
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
