package driver

import "unsafe"

// Test hooks into the loop's internals, read by the tests of package
// driver_test.

// Waits returns how many times the loop has waited on its poller. It must
// not be called while the loop is being driven by another goroutine.
func Waits(l *Loop) uint64 { return l.waits }

// Sleeping reports whether the loop is (about to be) blocked in its poller.
// It is safe from any goroutine.
func Sleeping(l *Loop) bool { return l.sleeping.Load() }

// Registered returns the number of fds registered with the loop's reactor.
// It is safe from any goroutine.
func Registered(l *Loop) int { return l.registry.Len() }

// Tasks returns the number of live tasks. Loop goroutine only.
func Tasks(l *Loop) int { return l.live.n }

// TaskSize is the size of a task, bookkeeping included.
const TaskSize = unsafe.Sizeof(task{})

// TimersArmed returns the number of timers armed on the loop. Loop
// goroutine only (or while the loop is not driven).
func TimersArmed(l *Loop) int { return l.timersArmed() }
