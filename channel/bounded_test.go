package channel_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/eddyio/eddy/channel"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/google/go-cmp/cmp"
)

func TestBoundedValuesInOrder(t *testing.T) {
	leaktest.Goroutines(t)
	for _, capacity := range []int{1, 3, 64, 1000} {
		t.Run(fmt.Sprintf("cap-%d", capacity), func(t *testing.T) {
			tx, rx := channel.Bounded[int](capacity)
			l := loopkit.NewLoop(t)
			l.Spawn(counter(200, tx.Send, tx.Close))
			got, err := driver.BlockOn(l, collectAll(rx))
			if err != nil {
				t.Fatalf("BlockOn() = %v", err)
			}
			if diff := cmp.Diff(ints(200), got); diff != "" {
				t.Errorf("received (-want +got):\n%s", diff)
			}
			if items, used := channel.Peaks(rx); items > capacity || used > capacity {
				t.Errorf("Peaks() = %d, %d; want at most %d", items, used, capacity)
			}
		})
	}
}

// TestBoundedCapacityWithClones is the trap of Tokio 0.1: there, each cloned
// sender added a slot. Here exactly capacity TrySends succeed across 100
// clones.
func TestBoundedCapacityWithClones(t *testing.T) {
	for _, capacity := range []int{1, 5, 64, 150} {
		t.Run(fmt.Sprintf("cap-%d", capacity), func(t *testing.T) {
			tx, rx := channel.Bounded[int](capacity)
			senders := []*channel.Sender[int]{tx}
			for range 99 {
				senders = append(senders, tx.Clone())
			}
			ok := 0
			for round := range 3 {
				for i, s := range senders {
					switch err := s.TrySend(round*100 + i); err {
					case nil:
						ok++
					case channel.ErrFull:
					default:
						t.Fatalf("TrySend() = %v; want nil or ErrFull", err)
					}
				}
			}
			if ok != capacity {
				t.Errorf("%d TrySends succeeded across 100 senders; want %d", ok, capacity)
			}
			if v, err := rx.TryRecv(); err != nil || v != 0 {
				t.Fatalf("TryRecv() = %v, %v; want 0, nil", v, err)
			}
			ok = 0
			for _, s := range senders {
				if s.TrySend(-1) == nil {
					ok++
				}
			}
			if ok != 1 {
				t.Errorf("%d TrySends succeeded after one receive; want 1", ok)
			}
			for _, s := range senders {
				s.Close()
			}
			n := 0
			for {
				_, err := rx.TryRecv()
				if err == channel.ErrClosed {
					break
				}
				if err != nil {
					t.Fatalf("TryRecv() = %v", err)
				}
				n++
			}
			if n != capacity {
				t.Errorf("drained %d values; want %d", n, capacity)
			}
		})
	}
}

// TestBoundedCapacityUnderConcurrency sends from 100 cloned senders at once
// (goroutines, tasks on the receiver's loop and tasks on a second loop) and
// checks that the buffer never holds more than the capacity.
func TestBoundedCapacityUnderConcurrency(t *testing.T) {
	leaktest.Goroutines(t)
	const capacity, perSender = 7, 50
	tx, rx := channel.Bounded[[2]int](capacity)
	senders := []*channel.Sender[[2]int]{tx}
	for range 99 {
		senders = append(senders, tx.Clone())
	}
	other := loopkit.NewLoop(t)
	main := loopkit.NewLoop(t)
	var wg sync.WaitGroup
	otherTasks := 0
	for i, s := range senders {
		next := counter(perSender, func(k int) future.Future[struct{}] { return s.Send([2]int{i, k}) }, s.Close)
		switch i % 3 {
		case 0: // a plain goroutine
			wg.Go(func() {
				for k := range perSender {
					if err := s.SendBlocking([2]int{i, k}); err != nil {
						t.Errorf("SendBlocking() = %v", err)
					}
				}
				s.Close()
			})
		case 1:
			main.Spawn(next)
		case 2:
			otherTasks++
			other.Spawn(next)
		}
	}
	otherDone := onGoroutine(func() error {
		_, err := driver.BlockOn(other, future.Never[struct{}]())
		if !errors.Is(err, driver.ErrStopped) {
			return fmt.Errorf("BlockOn(other) = %v; want ErrStopped", err)
		}
		return nil
	})
	got, err := driver.BlockOn(main, collectAll(rx))
	other.Stop()
	await(t, otherDone)
	wg.Wait()
	if err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	if len(got) != 100*perSender {
		t.Fatalf("received %d values; want %d", len(got), 100*perSender)
	}
	next := make([]int, 100)
	for _, v := range got {
		if v[1] != next[v[0]] {
			t.Fatalf("sender %d: got value %d; want %d (per-sender order)", v[0], v[1], next[v[0]])
		}
		next[v[0]]++
	}
	if items, used := channel.Peaks(rx); items > capacity || used > capacity {
		t.Errorf("Peaks() = %d items, %d used; want at most %d", items, used, capacity)
	}
}

func TestBoundedPollReadyReservesASlot(t *testing.T) {
	tx, rx := channel.Bounded[string](1)
	defer tx.Close()
	other := tx.Clone()
	defer other.Close()
	var w testkit.WakeCounter
	cx := future.NewContext(&w, nil)
	if p := tx.PollReady(cx); !p.IsReady() || p.Err() != nil {
		t.Fatalf("PollReady() = %s; want ready", testkit.Describe(p))
	}
	if err := other.TrySend("barging"); err != channel.ErrFull {
		t.Errorf("TrySend() with the only slot reserved = %v; want ErrFull", err)
	}
	if err := tx.StartSend("a"); err != nil {
		t.Fatalf("StartSend() = %v", err)
	}
	if p := tx.PollReady(cx); !p.IsPending() {
		t.Fatalf("PollReady() on a full channel = %s; want pending", testkit.Describe(p))
	}
	if w.Count() != 0 {
		t.Errorf("waker woken %d times before a slot freed; want 0", w.Count())
	}
	if v, err := rx.TryRecv(); v != "a" || err != nil {
		t.Fatalf("TryRecv() = %q, %v; want a, nil", v, err)
	}
	if w.Count() != 1 {
		t.Errorf("waker woken %d times after a slot freed; want 1", w.Count())
	}
	if err := other.TrySend("barging"); err != channel.ErrFull {
		t.Errorf("TrySend() with the slot handed to a waiter = %v; want ErrFull", err)
	}
	if p := tx.PollReady(cx); !p.IsReady() || p.Err() != nil {
		t.Fatalf("PollReady() after the wake-up = %s; want ready", testkit.Describe(p))
	}
	if err := tx.StartSend("b"); err != nil {
		t.Fatalf("StartSend() = %v", err)
	}
	if v, err := rx.TryRecv(); v != "b" || err != nil {
		t.Errorf("TryRecv() = %q, %v; want b, nil", v, err)
	}
}

// TestBoundedFIFOWakeups checks that waiting senders get freed slots in the
// order they started waiting, and that a sender that gives up its slot
// hands it to the next one.
func TestBoundedFIFOWakeups(t *testing.T) {
	tests := []struct {
		name   string
		giveUp func(s *channel.Sender[int])
	}{
		{name: "Close", giveUp: (*channel.Sender[int]).Close},
		{name: "CancelReady", giveUp: (*channel.Sender[int]).CancelReady},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, rx := channel.Bounded[int](1)
			if err := tx.TrySend(0); err != nil {
				t.Fatal(err)
			}
			var s [3]*channel.Sender[int]
			var w [3]testkit.WakeCounter
			for i := range s {
				s[i] = tx.Clone()
				if p := s[i].PollReady(future.NewContext(&w[i], nil)); !p.IsPending() {
					t.Fatalf("PollReady(%d) = %s; want pending", i, testkit.Describe(p))
				}
			}
			if n := channel.Waiting(rx); n != 3 {
				t.Fatalf("Waiting() = %d; want 3", n)
			}
			counts := func() []int { return []int{w[0].Count(), w[1].Count(), w[2].Count()} }
			rx.TryRecv()
			if diff := cmp.Diff([]int{1, 0, 0}, counts()); diff != "" {
				t.Errorf("wake-ups after one receive (-want +got):\n%s", diff)
			}
			tc.giveUp(s[0]) // woken, but not using its slot: it passes it on
			if diff := cmp.Diff([]int{1, 1, 0}, counts()); diff != "" {
				t.Errorf("wake-ups after the first waiter gave up (-want +got):\n%s", diff)
			}
			if p := s[1].PollReady(future.NewContext(&w[1], nil)); !p.IsReady() {
				t.Fatalf("PollReady(1) = %s; want ready", testkit.Describe(p))
			}
			if err := s[1].StartSend(1); err != nil {
				t.Fatal(err)
			}
			if p := s[2].PollReady(future.NewContext(&w[2], nil)); !p.IsPending() {
				t.Fatalf("PollReady(2) = %s; want pending", testkit.Describe(p))
			}
			if v, _ := rx.TryRecv(); v != 1 {
				t.Errorf("TryRecv() = %d; want 1", v)
			}
			if diff := cmp.Diff([]int{1, 1, 1}, counts()); diff != "" {
				t.Errorf("wake-ups after the second receive (-want +got):\n%s", diff)
			}
			for _, x := range append(s[:], tx) {
				x.Close()
			}
			if v, err := rx.TryRecv(); err != channel.ErrClosed {
				t.Errorf("TryRecv() = %v, %v; want ErrClosed (the slot of s[2] was never used)", v, err)
			}
		})
	}
}

func TestBoundedCloseSemantics(t *testing.T) {
	t.Run("last sender ends the stream after the buffer", func(t *testing.T) {
		tx, rx := channel.Bounded[int](4)
		tx2 := tx.Clone()
		tx.TrySend(1)
		tx2.TrySend(2)
		tx.Close()
		tx.Close() // idempotent
		if n := channel.Senders(rx); n != 1 {
			t.Errorf("Senders() = %d; want 1", n)
		}
		if err := tx.TrySend(3); err != channel.ErrClosed {
			t.Errorf("TrySend() on a closed sender = %v; want ErrClosed", err)
		}
		if c := tx.Clone(); c.TrySend(3) != channel.ErrClosed {
			t.Errorf("a clone of a closed sender can send; want ErrClosed")
		}
		var w testkit.WakeCounter
		cx := future.NewContext(&w, nil)
		for _, want := range []string{"item 1", "item 2", "pending"} {
			if got := testkit.DescribeItem(rx.PollNext(cx)); got != want {
				t.Fatalf("PollNext() = %s; want %s", got, want)
			}
		}
		tx2.Close()
		if w.Count() != 1 {
			t.Errorf("receiver woken %d times when the last sender closed; want 1", w.Count())
		}
		for range 2 {
			if got := testkit.DescribeItem(rx.PollNext(cx)); got != "end" {
				t.Errorf("PollNext() = %s; want end", got)
			}
		}
		if _, err := rx.TryRecv(); err != channel.ErrClosed {
			t.Errorf("TryRecv() = %v; want ErrClosed", err)
		}
	})
	t.Run("receiver close fails and wakes senders", func(t *testing.T) {
		tx, rx := channel.Bounded[int](1)
		defer tx.Close()
		tx.TrySend(1)
		var ready, closed testkit.WakeCounter
		if p := tx.PollReady(future.NewContext(&ready, nil)); !p.IsPending() {
			t.Fatalf("PollReady() = %s; want pending", testkit.Describe(p))
		}
		if p := tx.PollClosed(future.NewContext(&closed, nil)); !p.IsPending() {
			t.Fatalf("PollClosed() = %s; want pending", testkit.Describe(p))
		}
		rx.Close()
		rx.Close()
		if ready.Count() != 1 || closed.Count() != 1 {
			t.Errorf("wake-ups on close = %d, %d; want 1, 1", ready.Count(), closed.Count())
		}
		cx := future.NewContext(future.NoopWaker, nil)
		if p := tx.PollReady(cx); p.Err() != channel.ErrClosed {
			t.Errorf("PollReady() = %s; want ErrClosed", testkit.Describe(p))
		}
		if p := tx.PollClosed(cx); !p.IsReady() || p.Err() != nil {
			t.Errorf("PollClosed() = %s; want ready", testkit.Describe(p))
		}
		if p := tx.PollFlush(cx); p.Err() != channel.ErrClosed {
			t.Errorf("PollFlush() = %s; want ErrClosed", testkit.Describe(p))
		}
		if err := tx.TrySend(2); err != channel.ErrClosed {
			t.Errorf("TrySend() = %v; want ErrClosed", err)
		}
		if err := tx.SendBlocking(2); err != channel.ErrClosed {
			t.Errorf("SendBlocking() = %v; want ErrClosed", err)
		}
		if got := testkit.DescribeItem(rx.PollNext(cx)); got != "item 1" {
			t.Errorf("PollNext() = %s; want item 1 (buffered before close)", got)
		}
		if got := testkit.DescribeItem(rx.PollNext(cx)); got != "end" {
			t.Errorf("PollNext() = %s; want end", got)
		}
	})
	t.Run("sink", func(t *testing.T) {
		tx, rx := channel.Bounded[int](2)
		cx := future.NewContext(future.NoopWaker, nil)
		if p := tx.PollFlush(cx); !p.IsReady() || p.Err() != nil {
			t.Errorf("PollFlush() = %s; want ready", testkit.Describe(p))
		}
		if p := tx.PollClose(cx); !p.IsReady() || p.Err() != nil {
			t.Errorf("PollClose() = %s; want ready", testkit.Describe(p))
		}
		if got := testkit.DescribeItem(rx.PollNext(cx)); got != "end" {
			t.Errorf("PollNext() = %s; want end", got)
		}
		if p := tx.PollReady(cx); p.Err() != channel.ErrClosed {
			t.Errorf("PollReady() after PollClose = %s; want ErrClosed", testkit.Describe(p))
		}
	})
}

func TestBoundedSendFuture(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	defer tx.Close()
	var w testkit.WakeCounter
	cx := future.NewContext(&w, nil)
	first := tx.Send(1)
	second := tx.Send(2)
	if got := testkit.Describe(first.Poll(cx)); got != "ok {}" {
		t.Fatalf("Send(1).Poll() = %s; want ready", got)
	}
	if got := testkit.Describe(first.Poll(cx)); got != "err "+future.ErrPolledAfterCompletion.Error() {
		t.Errorf("Send(1).Poll() again = %s; want ErrPolledAfterCompletion", got)
	}
	for range 2 {
		if got := testkit.Describe(second.Poll(cx)); got != "pending" {
			t.Fatalf("Send(2).Poll() while full = %s; want pending", got)
		}
	}
	rx.TryRecv()
	if w.Count() != 1 {
		t.Errorf("woken %d times; want 1", w.Count())
	}
	if got := testkit.Describe(second.Poll(cx)); got != "ok {}" {
		t.Fatalf("Send(2).Poll() = %s; want ready", got)
	}
	if v, _ := rx.TryRecv(); v != 2 {
		t.Errorf("TryRecv() = %d; want 2", v)
	}
	rx.Close()
	if got := testkit.Describe(tx.Send(3).Poll(cx)); got != "err "+channel.ErrClosed.Error() {
		t.Errorf("Send(3).Poll() after the receiver closed = %s; want ErrClosed", got)
	}
}

func TestBoundedClosedFuture(t *testing.T) {
	leaktest.Goroutines(t)
	tx, rx := channel.Bounded[int](1)
	defer tx.Close()
	done := onGoroutine(func() error {
		time.Sleep(time.Millisecond)
		rx.Close()
		return nil
	})
	if _, err := loopkit.Run(t, tx.Closed()); err != nil {
		t.Errorf("Closed() = %v; want nil", err)
	}
	await(t, done)
}

func TestBoundedGoroutineToTask(t *testing.T) {
	leaktest.Goroutines(t)
	tx, rx := channel.Bounded[int](2)
	done := onGoroutine(func() error {
		defer tx.Close()
		for i := range 100 {
			if err := tx.SendBlocking(i); err != nil {
				return err
			}
		}
		return nil
	})
	got, err := loopkit.Run(t, collectAll(rx))
	await(t, done)
	if err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if diff := cmp.Diff(ints(100), got); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
}

func TestBoundedTaskToGoroutine(t *testing.T) {
	leaktest.Goroutines(t)
	tx, rx := channel.Bounded[int](2)
	done := make(chan []int, 1)
	go func() {
		var got []int
		for {
			v, ok := rx.RecvBlocking()
			if !ok {
				break
			}
			got = append(got, v)
		}
		done <- got
	}()
	if _, err := loopkit.Run(t, counter(100, tx.Send, tx.Close)); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	select {
	case got := <-done:
		if diff := cmp.Diff(ints(100), got); diff != "" {
			t.Errorf("received (-want +got):\n%s", diff)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("timed out")
	}
}

func TestBoundedAcrossLoops(t *testing.T) {
	leaktest.Goroutines(t)
	tx, rx := channel.Bounded[int](3)
	producer := loopkit.NewLoop(t)
	sent := onGoroutine(func() error {
		_, err := driver.BlockOn(producer, counter(500, tx.Send, tx.Close))
		return err
	})
	got, err := driver.BlockOn(loopkit.NewLoop(t), collectAll(rx))
	await(t, sent)
	if err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	if diff := cmp.Diff(ints(500), got); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
}

func TestBoundedSteadyStateAllocs(t *testing.T) {
	tx, rx := channel.Bounded[int](4)
	defer tx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	cycle := map[string]func(){
		"TrySend/TryRecv": func() {
			tx.TrySend(1)
			rx.TryRecv()
		},
		"Sink/PollNext": func() {
			rx.PollNext(cx) // pending: registers the waker
			tx.PollReady(cx)
			tx.StartSend(1)
			tx.PollFlush(cx)
			rx.PollNext(cx)
		},
		"full/wait/free": func() {
			for range 4 {
				tx.TrySend(1)
			}
			tx.PollReady(cx) // queued
			rx.PollNext(cx)  // hands the slot over
			tx.PollReady(cx)
			tx.StartSend(2)
			for range 4 {
				rx.TryRecv()
			}
		},
		"SendBlocking/RecvBlocking": func() {
			tx.SendBlocking(1)
			rx.RecvBlocking()
		},
	}
	for name, f := range cycle {
		f() // grow the buffer, make the signals
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %v allocations per cycle; want 0", name, n)
		}
	}
}

// TestBoundedUnclosedSenderCleanup checks the safety net: a sender dropped
// without Close is closed after a garbage collection.
func TestBoundedUnclosedSenderCleanup(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	tx.TrySend(1)
	tx.Clone() // dropped at once
	tx = nil
	deadline := time.Now().Add(5 * time.Second)
	for channel.Senders(rx) > 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if v, err := rx.TryRecv(); v != 1 || err != nil {
		t.Errorf("TryRecv() = %v, %v; want 1, nil", v, err)
	}
	if _, err := rx.TryRecv(); err != channel.ErrClosed {
		t.Errorf("TryRecv() after the senders were collected = %v; want ErrClosed", err)
	}
}

// TestBoundedStress runs producers and a consumer across two loops and
// plain goroutines, with the receiver closing early in some rounds.
func TestBoundedStress(t *testing.T) {
	leaktest.Goroutines(t)
	rounds := 20
	if testing.Short() {
		rounds = 5
	}
	deadline := time.Now().Add(20 * time.Second)
	for round := 0; round < rounds && time.Now().Before(deadline); round++ {
		const producers, perProducer = 8, 200
		tx, rx := channel.Bounded[int](1 + round%4)
		early := round%3 == 2
		loopA, loopB := loopkit.NewLoop(t), loopkit.NewLoop(t)
		var wg sync.WaitGroup
		for p := range producers {
			s := tx.Clone()
			if p%2 == 0 {
				wg.Go(func() {
					defer s.Close()
					for i := range perProducer {
						if err := s.SendBlocking(i); err != nil {
							if !early || !errors.Is(err, channel.ErrClosed) {
								t.Errorf("SendBlocking() = %v", err)
							}
							return
						}
					}
				})
			} else {
				loopA.Spawn(produce(perProducer, s.Send, s.Close, early))
			}
		}
		tx.Close()
		aDone := onGoroutine(func() error {
			_, err := driver.BlockOn(loopA, future.Never[struct{}]())
			if !errors.Is(err, driver.ErrStopped) {
				return err
			}
			return nil
		})
		var recv future.Future[[]int] = collectAll(rx)
		if early {
			recv = &closeAfter{rx: rx, n: 100}
		}
		got, err := driver.BlockOn(loopB, recv)
		if early {
			// senders blocked or pending must all be released by the close
			for {
				if _, err := rx.TryRecv(); err == channel.ErrClosed {
					break
				}
			}
		}
		wg.Wait()
		for channel.Senders(rx) > 0 && time.Now().Before(deadline.Add(5*time.Second)) {
			time.Sleep(time.Millisecond)
		}
		loopA.Stop()
		await(t, aDone)
		if err != nil {
			t.Fatalf("round %d: BlockOn() = %v", round, err)
		}
		if n := channel.Senders(rx); n != 0 {
			t.Fatalf("round %d: %d senders still open", round, n)
		}
		if !early && len(got) != producers*perProducer {
			t.Fatalf("round %d: received %d; want %d", round, len(got), producers*perProducer)
		}
	}
}

// closeAfter receives n values, then closes the receiver.
type closeAfter struct {
	rx  *channel.Receiver[int]
	n   int
	got []int
}

func (c *closeAfter) Poll(cx *future.Context) future.Poll[[]int] {
	for len(c.got) < c.n {
		p := c.rx.PollNext(cx)
		if p.IsPending() {
			return future.Pending[[]int]()
		}
		if p.IsEnd() {
			break
		}
		c.got = append(c.got, p.Value())
	}
	c.rx.Close()
	return future.Ok(c.got)
}

// TestBoundedDroppedWaiterPassesItsSlotOn drops a sender that waits for a
// slot: once collected, the slot handed to it goes to the next sender.
func TestBoundedDroppedWaiterPassesItsSlotOn(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	defer tx.Close()
	tx.TrySend(0)
	func() {
		waiting := tx.Clone()
		if p := waiting.PollReady(future.NewContext(future.NoopWaker, nil)); !p.IsPending() {
			t.Fatalf("PollReady() = %s; want pending", testkit.Describe(p))
		}
	}() // dropped without Close while queued
	rx.TryRecv() // the slot goes to the dropped sender
	deadline := time.Now().Add(5 * time.Second)
	for channel.Senders(rx) > 1 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if err := tx.TrySend(1); err != nil {
		t.Errorf("TrySend() after the waiting sender was collected = %v; want nil", err)
	}
}

// TestBoundedDroppedReceiverClosesTheChannel drops the receiver without
// Close: once collected, senders fail with ErrClosed instead of waiting
// forever.
func TestBoundedDroppedReceiverClosesTheChannel(t *testing.T) {
	tx, _ := channel.Bounded[int](1)
	defer tx.Close()
	tx.TrySend(0)
	var w testkit.WakeCounter
	if p := tx.PollReady(future.NewContext(&w, nil)); !p.IsPending() {
		t.Fatalf("PollReady() = %s; want pending", testkit.Describe(p))
	}
	deadline := time.Now().Add(5 * time.Second)
	for w.Count() == 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if p := tx.PollReady(future.NewContext(&w, nil)); p.Err() != channel.ErrClosed {
		t.Errorf("PollReady() after the receiver was collected = %s; want ErrClosed", testkit.Describe(p))
	}
}

// TestBoundedSendAbandonedLeavesQueue: a send waiting for a slot that is
// abandoned (a select's loser) leaves the queue, so the freed slot goes to
// the next sender and the capacity stays whole.
func TestBoundedSendAbandonedLeavesQueue(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	defer rx.Close()
	defer tx.Close()
	tx2 := tx.Clone()
	defer tx2.Close()
	if err := tx.TrySend(1); err != nil {
		t.Fatal(err)
	}
	cx, _ := testkit.NewContext()
	s := tx2.Send(2)
	if p := s.Poll(cx); !p.IsPending() {
		t.Fatal("Send on a full channel is ready")
	}
	future.Abandon(s) // it was waiting in the queue
	if v, err := rx.TryRecv(); v != 1 || err != nil {
		t.Fatalf("TryRecv() = %d, %v; want 1", v, err)
	}
	if err := tx.TrySend(3); err != nil {
		t.Errorf("TrySend after the abandoned send: %v; want the freed slot", err)
	}
}
