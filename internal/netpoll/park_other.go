//go:build !linux

package netpoll

import "time"

// Parker waits for a Poller's events. On Linux it blocks in epoll_wait for
// up to 10 ms, then parks the waiting goroutine in Go's netpoller;
// here, for now, it blocks in Poller.Wait.
type Parker struct{ p *Poller }

// NewParker returns a Parker for p.
func NewParker(p *Poller) *Parker { return &Parker{p: p} }

// Close releases what the Parker holds (nothing here); the Poller is left
// open.
func (k *Parker) Close() {}

// Wait is Poller.Wait: it fills events and returns how many, waiting up to
// timeout (< 0: no limit, 0: a look without waiting).
func (k *Parker) Wait(events []Event, timeout time.Duration) (int, error) {
	return k.p.Wait(events, timeout)
}
