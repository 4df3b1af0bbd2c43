package driver

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/eddyio/eddy/future"
)

// Stats are a loop's counters, readable from any goroutine with
// [Loop.Stats] and [Runtime.Stats]. The counts start at zero when the loop
// is made and only grow; the gauges (Tasks, Registered, Timers) say how
// things stand. A loop publishes its counters before it blocks in its
// poller, every 64 turns while it is too busy to block, and when it
// closes, so a busy loop's figures may be a few turns old.
type Stats struct {
	Tasks      int    // live tasks, and tasks spawned but not yet taken in
	Spawned    uint64 // tasks started on the loop
	Polls      uint64 // polls of tasks
	Injected   uint64 // tasks queued from outside the loop's turn: spawns and cross-goroutine wake-ups
	Kicks      uint64 // times another goroutine woke the loop from its poller (one per sleep at most)
	Waits      uint64 // waits on the poller: sleeps, and looks at the reactor between turns
	Events     uint64 // readiness events delivered by the reactor
	Registered int    // descriptors tracked or registered with the loop's reactor

	TimersArmed uint64 // timers added to the loop's timer queue
	TimersFired uint64 // timers whose deadline passed
	Timers      int    // timers pending

	Blocking BlockingStats // the blocking pool (SpawnBlocking): its goroutines and queue
}

// String is a one-line summary, for logs.
func (s Stats) String() string {
	return fmt.Sprintf("tasks=%d spawned=%d polls=%d injected=%d kicks=%d waits=%d events=%d fds=%d timers=%d armed=%d fired=%d blocking=%d/%d queued=%d",
		s.Tasks, s.Spawned, s.Polls, s.Injected, s.Kicks, s.Waits, s.Events, s.Registered,
		s.Timers, s.TimersArmed, s.TimersFired, s.Blocking.Running, s.Blocking.Threads, s.Blocking.Queued)
}

// counters are the loop goroutine's own counts: plain words, no atomics
// on the hot path.
type counters struct {
	polls, injected, events uint64
	spawned                 uint64 // tasks taken in (each task once)
}

// published is what Stats reads: the counters as of the loop's last
// publish, and the load that Runtime.Spawn balances on.
type published struct {
	polls, injected, events, waits, spawned atomic.Uint64
	timersArmed, timersFired                atomic.Uint64
	timers                                  atomic.Int64
	kicks                                   atomic.Uint64 // counted by the kicking goroutine
	tasks                                   atomic.Int64  // live tasks, kept current by drainInject
	spawning                                atomic.Int64  // spawned from outside, not yet taken in
}

// publishEvery is how many looks at the poller a busy loop, one that does
// not block, makes between two publishes of its counters.
const publishEvery = 64

// publish copies the loop's counters where Stats reads them. Loop
// goroutine only.
func (l *Loop) publish() {
	p := &l.pub
	p.polls.Store(l.counts.polls)
	p.injected.Store(l.counts.injected)
	p.events.Store(l.counts.events)
	p.waits.Store(l.waits)
	p.spawned.Store(l.counts.spawned)
	p.timersArmed.Store(l.timers.w.Armed())
	p.timersFired.Store(l.timers.w.Fired())
	p.timers.Store(int64(l.timersArmed()))
	p.tasks.Store(int64(l.live.n))
}

// Stats returns the loop's counters. It is safe from any goroutine.
func (l *Loop) Stats() Stats {
	p := &l.pub
	return Stats{
		Tasks:       int(p.tasks.Load() + p.spawning.Load()),
		Spawned:     p.spawned.Load(),
		Polls:       p.polls.Load(),
		Injected:    p.injected.Load(),
		Kicks:       p.kicks.Load(),
		Waits:       p.waits.Load(),
		Events:      p.events.Load(),
		Registered:  l.registry.Len(),
		TimersArmed: p.timersArmed.Load(),
		TimersFired: p.timersFired.Load(),
		Timers:      int(p.timers.Load()),
		Blocking:    l.BlockingStats(),
	}
}

// load is how busy the loop is, for Runtime.Spawn: its live tasks and
// those on their way in.
func (l *Loop) load() int64 { return l.pub.tasks.Load() + l.pub.spawning.Load() }

// slogf turns a *slog.Logger (nil: slog.Default()) into a Logf: each
// report is one record of level Warn.
func slogf(lg *slog.Logger) func(string, ...any) {
	return func(format string, args ...any) {
		if lg == nil {
			lg = slog.Default()
		}
		lg.Warn(fmt.Sprintf(format, args...))
	}
}

// expiredCtx is a context that is done already: Close with no shutdown
// timeout gives no grace.
var expiredCtx = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

// stopSignal is what Stopping futures wait for: set once, when the loop
// begins its shutdown.
type stopSignal struct {
	set    atomic.Bool
	mu     sync.Mutex
	wakers []future.Waker
	prune  int // the length at which wait drops the wakers of finished tasks
}

// begin sets the signal and wakes every waiter. Any goroutine; once.
func (s *stopSignal) begin() {
	s.mu.Lock()
	if s.set.Load() {
		s.mu.Unlock()
		return
	}
	s.set.Store(true)
	ws := s.wakers
	s.wakers = nil
	s.mu.Unlock()
	for _, w := range ws {
		w.Wake()
	}
}

// wait parks w until the signal is set; it reports false, parking
// nothing, if it is set already.
func (s *stopSignal) wait(w future.Waker) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.set.Load() {
		return false
	}
	if len(s.wakers) >= s.prune {
		// A server whose connections each wait on Stopping would grow the
		// list with every connection: drop the wakers of tasks that have
		// ended, so it stays within twice the tasks alive.
		s.wakers = slices.DeleteFunc(s.wakers, func(w future.Waker) bool {
			t, ok := w.(*task)
			return ok && t.state().Load() == taskDone
		})
		s.prune = max(2*len(s.wakers), 64)
	}
	s.wakers = append(s.wakers, w)
	return true
}
