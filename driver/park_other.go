//go:build !linux

package driver

import "time"

// parker is Linux-only for now: elsewhere the loop blocks in the poller.
type parker struct{}

func (l *Loop) openParker()  {}
func (l *Loop) closeParker() {}

// wait waits up to timeout (< 0: no limit) for readiness events.
func (l *Loop) wait(timeout time.Duration) (int, error) {
	return l.poller.Wait(l.events, timeout)
}
