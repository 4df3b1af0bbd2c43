package driver_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/stream"
)

// lostChild answers pending without taking its context's waker: inside a task
// set nothing can wake it again, although the set took the task's waker.
type lostChild struct{ polls int }

func (c *lostChild) Poll(*future.Context) future.Poll[struct{}] {
	c.polls++
	return future.Pending[struct{}]()
}

const lostChildType = "*driver_test.lostChild"

// stallSetShapes are the combinators that poll their children with contexts
// of their own, each built around the given children as a root future.
var stallSetShapes = []struct {
	name  string
	build func(kids []future.Future[struct{}]) future.Future[struct{}]
}{
	{name: "FuturesUnordered", build: func(kids []future.Future[struct{}]) future.Future[struct{}] {
		set := combinators.NewFuturesUnordered[struct{}]()
		for _, k := range kids {
			set.Push(k)
		}
		return combinators.Discard(combinators.Collect[struct{}](set))
	}},
	{name: "ForEachConcurrent", build: func(kids []future.Future[struct{}]) future.Future[struct{}] {
		return combinators.ForEachConcurrent(stream.FromSlice(kids), len(kids), func(k future.Future[struct{}]) future.Future[struct{}] { return k })
	}},
	{name: "BufferUnordered", build: func(kids []future.Future[struct{}]) future.Future[struct{}] {
		return combinators.Discard(combinators.Collect(combinators.BufferUnordered(stream.FromSlice(kids), len(kids))))
	}},
	{name: "Buffered", build: func(kids []future.Future[struct{}]) future.Future[struct{}] {
		return combinators.Discard(combinators.Collect(combinators.Buffered(stream.FromSlice(kids), len(kids))))
	}},
	{name: "Shared", build: func(kids []future.Future[struct{}]) future.Future[struct{}] {
		var clones []future.Future[struct{}]
		for _, k := range kids {
			s := combinators.Share(k)
			clones = append(clones, s.Clone(), s.Clone())
		}
		return combinators.Discard(combinators.JoinAll(clones))
	}},
}

// TestStallInTaskSets runs, for each task set, a root whose stalled child
// sits between two children that wake themselves: the detector reports it
// with the child's type, BlockOn fails with that *StallError instead of
// hanging, and the loop stays usable.
func TestStallInTaskSets(t *testing.T) {
	for _, sh := range stallSetShapes {
		t.Run(sh.name, func(t *testing.T) {
			rec := &logRecorder{}
			var stalls []*driver.StallError
			l := newLoop(t, driver.Config{DetectStalls: true, Logf: rec.Logf, OnStall: func(e *driver.StallError) { stalls = append(stalls, e) }})
			lost := &lostChild{}
			_, err := loopkit.Block(t, l, sh.build([]future.Future[struct{}]{future.Yield(), lost, future.Yield()}))
			var se *driver.StallError
			if !errors.As(err, &se) || se.Child != lostChildType || se.Task == "" {
				t.Fatalf("BlockOn() = %v; want a *StallError of the task with Child %q", err, lostChildType)
			}
			// (Shared's second clone polls the inner future again.)
			if lost.polls == 0 || len(stalls) != 1 || stalls[0] != se {
				t.Errorf("lost child polled %d times, OnStall got %v; want it polled and the returned error", lost.polls, stalls)
			}
			if lines := rec.lines(); len(lines) != 1 || !strings.Contains(lines[0], lostChildType) {
				t.Errorf("Logf got %q; want one report naming the child", lines)
			}
			if v, err := loopkit.Block(t, l, future.Ready(3)); v != 3 || err != nil {
				t.Errorf("BlockOn() after a stall = %d, %v; want 3, nil", v, err)
			}
		})
	}
}

// TestStallInNestedTaskSet finds a stalled child of a set that is itself a
// child of another set.
func TestStallInNestedTaskSet(t *testing.T) {
	var stalls []string
	l := newLoop(t, driver.Config{DetectStalls: true, OnStall: func(e *driver.StallError) { stalls = append(stalls, e.Child) }})
	inner := combinators.ForEachConcurrent(stream.Of[future.Future[struct{}]](future.Yield(), &lostChild{}), 2,
		func(k future.Future[struct{}]) future.Future[struct{}] { return k })
	set := combinators.NewFuturesUnordered[struct{}]()
	set.Push(future.Yield())
	set.Push(inner)
	_, err := loopkit.Block(t, l, combinators.Discard(combinators.Collect[struct{}](set)))
	var se *driver.StallError
	if !errors.As(err, &se) || se.Child != lostChildType || len(stalls) != 1 {
		t.Errorf("BlockOn() = %v with stalls %q; want one *StallError with Child %q", err, stalls, lostChildType)
	}
}

// TestStallInSpawnedTaskSet reports a stalled child of a spawned task's set
// through OnStall, while the task itself keeps running.
func TestStallInSpawnedTaskSet(t *testing.T) {
	found := &latch{}
	var stalls []string
	l, err := driver.New(driver.Config{DetectStalls: true, Logf: t.Logf, OnStall: func(e *driver.StallError) {
		stalls = append(stalls, e.Child)
		found.Set()
	}})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	set := combinators.NewFuturesUnordered[struct{}]()
	set.Push(&lostChild{})
	if _, err := loopkit.Block(t, l, seqOf(driver.Spawn(combinators.Discard(combinators.Collect[struct{}](set))), found)); err != nil {
		t.Fatalf("BlockOn() = %v; want nil (a spawned task's stall is reported, not returned)", err)
	}
	if len(stalls) != 1 || stalls[0] != lostChildType {
		t.Errorf("OnStall got children %q; want one report of %q", stalls, lostChildType)
	}
	var se *driver.ShutdownError
	if err := l.Close(); !errors.As(err, &se) || len(se.Cancelled) != 1 {
		t.Errorf("Close() = %v; want a *ShutdownError cancelling the task with the lost child", err)
	}
}

// TestNoStallInWellBehavedTaskSets runs each task set over children that
// wake themselves, wait for a timer, or are woken by a sibling: no stall is
// reported and every root completes.
func TestNoStallInWellBehavedTaskSets(t *testing.T) {
	for _, sh := range stallSetShapes {
		t.Run(sh.name, func(t *testing.T) {
			var stalls []string
			l := newLoop(t, driver.Config{DetectStalls: true, OnStall: func(e *driver.StallError) { stalls = append(stalls, e.Task) }})
			gate := &latch{}
			kids := []future.Future[struct{}]{
				gate, // woken by the last child
				yields(3),
				driver.Sleep(time.Millisecond),
				&then{f: driver.Sleep(2 * time.Millisecond), fn: gate.Set},
			}
			if _, err := loopkit.Block(t, l, sh.build(kids)); err != nil {
				t.Fatalf("BlockOn() = %v; want nil", err)
			}
			if len(stalls) != 0 {
				t.Errorf("OnStall reported %q; want no stall", stalls)
			}
		})
	}
}

// TestStallInJoinUnchanged checks that combinators that pass their own
// context to their children are judged as before, by the task-wide flag: a
// Join of two stalled children is reported as the task's own stall, and a
// Join whose other child took the waker is not reported.
func TestStallInJoinUnchanged(t *testing.T) {
	l := newLoop(t, driver.Config{DetectStalls: true, Logf: t.Logf})
	_, err := loopkit.Block(t, l, combinators.Join[struct{}, struct{}](&lostChild{}, &lostChild{}))
	var se *driver.StallError
	if !errors.As(err, &se) || se.Child != "" {
		t.Errorf("BlockOn(Join(lost, lost)) = %v; want a *StallError of the task with no child named", err)
	}
	if _, err := loopkit.Block(t, l, combinators.Select[struct{}](yields(2), &lostChild{})); err != nil {
		t.Errorf("BlockOn(Select(yields, lost)) = %v; want nil (the task-wide flag covers it, as before)", err)
	}
}
