package driver

// Test hooks of the runtime's tests.

// SetSleeping marks the loop as blocked in its poller (or not), as drive
// does before a wait, so that a test can check what injectors do then.
func SetSleeping(l *Loop, v bool) { l.sleeping.Store(v) }

// Publish makes the loop's counters readable by Stats. Loop goroutine
// only (or a loop nobody drives).
func Publish(l *Loop) { l.publish() }

// StopWaiters returns how many wakers wait for the loop's Stopping.
func StopWaiters(l *Loop) int {
	l.stop.mu.Lock()
	defer l.stop.mu.Unlock()
	return len(l.stop.wakers)
}
