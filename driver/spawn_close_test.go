package driver_test

import (
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
)

// counted is a task that counts its first poll and completes.
type counted struct{ ran *atomic.Int64 }

func (c counted) Poll(*future.Context) future.Poll[struct{}] {
	c.ran.Add(1)
	return future.Ok(struct{}{})
}

// TestSpawnRacingCloseIsNeverLost spawns tasks from other goroutines while
// the loop closes: every task either ran, was cancelled and named by
// Close's *ShutdownError, or was reported dropped by Spawn. None vanishes.
func TestSpawnRacingCloseIsNeverLost(t *testing.T) {
	// Each spawner keeps spawning until one of its tasks is dropped (or a
	// bound), so the spawns straddle Close's last look at the queue.
	const rounds, spawners, maxPerSpawner = 20, 4, 100_000
	for round := range rounds {
		var ran, spawned, dropped atomic.Int64
		l, err := driver.New(driver.Config{Logf: func(format string, args ...any) {
			if strings.HasPrefix(format, "driver: Spawn on a closed loop") {
				dropped.Add(1)
			}
		}})
		if err != nil {
			t.Fatalf("New() = %v", err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range spawners {
			wg.Go(func() {
				<-start
				for range maxPerSpawner {
					before := dropped.Load()
					spawned.Add(1)
					l.Spawn(counted{ran: &ran})
					if dropped.Load() > before {
						return
					}
				}
			})
		}
		close(start)
		for spawned.Load() < 1000 {
			runtime.Gosched() // let the spawners get going before Close
		}
		cerr := l.Close()
		wg.Wait()
		cancelled := 0
		var se *driver.ShutdownError
		if errors.As(cerr, &se) {
			cancelled = len(se.Cancelled)
		} else if cerr != nil {
			t.Fatalf("round %d: Close() = %v; want nil or a *ShutdownError", round, cerr)
		}
		total := ran.Load() + int64(cancelled) + dropped.Load()
		if total != spawned.Load() {
			t.Fatalf("round %d: %d ran + %d cancelled + %d dropped = %d; want %d (every spawned task accounted for)",
				round, ran.Load(), cancelled, dropped.Load(), total, spawned.Load())
		}
	}
}
