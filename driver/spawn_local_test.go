package driver_test

import (
	"sync"
	"testing"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// TestSpawnFromTaskRunsInItsTurn: a task spawned by a task the loop is
// polling goes onto the loop's own run queue, behind the tasks already
// scheduled: it runs in the same turn (no wait on the poller in between),
// and before the spawning task's next poll when that task yielded after
// spawning. Through the inject queue it would wait for the next drain,
// after a look at the poller, and after the yielding task.
func TestSpawnFromTaskRunsInItsTurn(t *testing.T) {
	for _, balanced := range []bool{false, true} {
		l := newLoop(t, driver.Config{})
		spawn := driver.Spawn
		if balanced {
			spawn = driver.SpawnBalanced // a lone loop: its own
		}
		var order []string
		var spawnedAt, ranAt uint64
		child := &then{f: future.Done(), fn: func() { order, ranAt = append(order, "child"), driver.Waits(l) }}
		root := seqOf(
			&then{f: future.Done(), fn: func() { spawnedAt = driver.Waits(l) }},
			spawn(child),
			future.Yield(),
			&then{f: future.Done(), fn: func() { order = append(order, "root after yield") }},
		)
		if _, err := loopkit.Block(t, l, root); err != nil {
			t.Fatalf("BlockOn() = %v", err)
		}
		if len(order) != 2 || order[0] != "child" || order[1] != "root after yield" {
			t.Errorf("balanced %v: order = %q; want [child, root after yield]", balanced, order)
		}
		if ranAt != spawnedAt {
			t.Errorf("balanced %v: the loop waited on its poller %d times between the spawn and the child's run; want 0", balanced, ranAt-spawnedAt)
		}
		driver.Publish(l)
		if s := l.Stats(); s.Spawned != 2 || s.Injected != 0 {
			t.Errorf("balanced %v: Stats Spawned = %d, Injected = %d; want 2 (the root and the child), 0", balanced, s.Spawned, s.Injected)
		}
	}
}

// TestSpawnLocalWithRacingSpawns: tasks spawned from inside the loop's
// turn (local run queue) and from other goroutines at the same time
// (inject queue) all run, once each, and the loop counts them all.
func TestSpawnLocalWithRacingSpawns(t *testing.T) {
	l := newLoop(t, driver.Config{})
	const goroutines, each, local = 4, 200, 800
	const total = goroutines*each + local
	var count int // loop goroutine only
	all := &latch{}
	task := func() future.Future[struct{}] {
		return &then{f: future.Yield(), fn: func() {
			if count++; count == total {
				all.Set()
			}
		}}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range goroutines {
		wg.Go(func() {
			<-start
			for range each {
				l.Spawn(task())
			}
		})
	}
	// The root spawns its share a few at a time, yielding in between, so
	// that its spawns interleave with the drains of the inject queue.
	var fs []future.Future[struct{}]
	fs = append(fs, &then{f: future.Done(), fn: func() { close(start) }})
	for i := range local {
		fs = append(fs, driver.Spawn(task()))
		if i%16 == 15 {
			fs = append(fs, future.Yield())
		}
	}
	fs = append(fs, all)
	_, err := loopkit.Block(t, l, seqOf(fs...))
	wg.Wait()
	if err != nil || count != total {
		t.Fatalf("BlockOn() = %v with %d tasks run; want nil and %d", err, count, total)
	}
	driver.Publish(l)
	if s := l.Stats(); s.Spawned != total+1 {
		t.Errorf("Stats Spawned = %d; want %d (the root too)", s.Spawned, total+1)
	}
}
