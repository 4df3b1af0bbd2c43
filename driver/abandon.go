package driver

import (
	"runtime/debug"

	"github.com/eddyio/eddy/future"
)

// Abandon tells the future a Spawn was to start, if it never was, that it is
// given up (contract 11): an unstarted handler releases what it holds.
func (s *spawnFuture) Abandon() {
	t := (*task)(s)
	if t.loop() != nil {
		return // started: the task is the loop's
	}
	if f := t.fut; f != nil {
		t.fut = nil
		future.Abandon(f)
	}
}

// abandon tells a task that Close cancels that it is given up (contract 11).
// A panic in the task's Abandon is reported like a panic in its poll, and
// does not stop Close.
func (l *Loop) abandon(t *task) {
	defer func() {
		if v := recover(); v != nil {
			pe := &future.PanicError{Future: t.name(), Value: v, Stack: debug.Stack()}
			l.cfg.Logf("driver: abandoning at shutdown: %v\n%s", pe, pe.Stack)
		}
	}()
	future.Abandon(t.fut)
}
