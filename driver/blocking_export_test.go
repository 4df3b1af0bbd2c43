package driver

// BlockingClosed reports whether the loop's blocking pool has been shut by
// Close. It is safe from any goroutine.
func BlockingClosed(l *Loop) bool {
	l.blocking.mu.Lock()
	defer l.blocking.mu.Unlock()
	return l.blocking.closed
}
