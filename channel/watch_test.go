package channel_test

import (
	"runtime"
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

func TestWatchChangedAndBorrow(t *testing.T) {
	tx, rx := channel.Watch("a")
	defer rx.Close()
	var w testkit.WakeCounter
	cx := future.NewContext(&w, nil)
	if got := rx.Borrow(); got != "a" {
		t.Errorf("Borrow() = %q; want a", got)
	}
	if got := testkit.Describe(rx.PollChanged(cx)); got != "pending" {
		t.Fatalf("PollChanged() with nothing new = %s; want pending", got)
	}
	tx.Send("b")
	tx.Send("c")
	if w.Count() != 1 {
		t.Errorf("woken %d times; want 1", w.Count())
	}
	clone := rx.Clone()
	defer clone.Close()
	if got := testkit.Describe(rx.PollChanged(cx)); got != "ok {}" {
		t.Fatalf("PollChanged() = %s; want ready", got)
	}
	if got := testkit.Describe(rx.PollChanged(cx)); got != "pending" {
		t.Errorf("PollChanged() after seeing the change = %s; want pending", got)
	}
	if got := rx.Borrow(); got != "c" {
		t.Errorf("Borrow() = %q; want c (latest wins)", got)
	}
	if got := testkit.DescribeItem(clone.PollNext(cx)); got != "item c" {
		t.Errorf("clone PollNext() = %s; want item c", got)
	}
	tx.Send("d")
	tx.Close()
	tx.Close()
	if err := tx.Send("e"); err != channel.ErrClosed {
		t.Errorf("Send() after Close = %v; want ErrClosed", err)
	}
	if got := testkit.Describe(rx.PollChanged(cx)); got != "ok {}" {
		t.Errorf("PollChanged() with an unseen value after close = %s; want ready", got)
	}
	if got := testkit.Describe(rx.PollChanged(cx)); got != "err "+channel.ErrClosed.Error() {
		t.Errorf("PollChanged() after close = %s; want ErrClosed", got)
	}
	for _, want := range []string{"item d", "end", "end"} {
		if got := testkit.DescribeItem(clone.PollNext(cx)); got != want {
			t.Errorf("clone PollNext() = %s; want %s", got, want)
		}
	}
}

func TestWatchSenderNoticesReceivers(t *testing.T) {
	tx, rx := channel.Watch(0)
	defer tx.Close()
	var w testkit.WakeCounter
	cx := future.NewContext(&w, nil)
	rx2 := tx.Subscribe()
	if got := testkit.Describe(rx2.PollChanged(cx)); got != "pending" {
		t.Errorf("Subscribe()d receiver PollChanged() = %s; want pending", got)
	}
	if got := testkit.Describe(tx.PollClosed(cx)); got != "pending" {
		t.Fatalf("PollClosed() = %s; want pending", got)
	}
	rx.Close()
	rx.Close()
	if got := testkit.Describe(tx.PollClosed(cx)); got != "pending" {
		t.Errorf("PollClosed() with one receiver left = %s; want pending", got)
	}
	rx2.Close()
	if got := testkit.Describe(tx.PollClosed(cx)); got != "ok {}" {
		t.Errorf("PollClosed() = %s; want ready", got)
	}
	if err := tx.Send(1); err != channel.ErrClosed {
		t.Errorf("Send() with no receivers = %v; want ErrClosed", err)
	}
	rx3 := tx.Subscribe()
	defer rx3.Close()
	if got := rx3.Borrow(); got != 1 {
		t.Errorf("Borrow() = %d; want 1 (stored with no receivers)", got)
	}
	if got := testkit.Describe(rx.PollChanged(cx)); got != "err "+channel.ErrClosed.Error() {
		t.Errorf("PollChanged() on a closed receiver = %s; want ErrClosed", got)
	}
}

// TestWatchAcrossLoopsAndGoroutines sends from a goroutine to tasks on two
// loops and to a goroutine; every receiver ends on the last value.
func TestWatchAcrossLoopsAndGoroutines(t *testing.T) {
	leaktest.Goroutines(t)
	const last = 300
	tx, rx := channel.Watch(0)
	rxB, rxG := rx.Clone(), rx.Clone()
	loopB := loopkit.NewLoop(t)
	lastSeen := func(r *channel.WatchReceiver[int]) future.Future[int] {
		c := collectAll(r)
		return future.PollFn(func(cx *future.Context) future.Poll[int] {
			p := c.Poll(cx)
			if p.IsPending() {
				return future.Pending[int]()
			}
			if p.Err() != nil {
				return future.Fail[int](p.Err())
			}
			vs := p.Value()
			for i := 1; i < len(vs); i++ {
				if vs[i] <= vs[i-1] {
					t.Errorf("values out of order: %v", vs)
				}
			}
			return future.Ok(vs[len(vs)-1])
		})
	}
	gotB := make(chan int, 1)
	doneB := onGoroutine(func() error {
		v, err := driver.BlockOn(loopB, lastSeen(rxB))
		gotB <- v
		return err
	})
	gotG := make(chan int, 1)
	go func() {
		v := 0
		for {
			n, err := rxG.ChangedBlocking()
			if err != nil {
				break
			}
			v = n
		}
		gotG <- v
	}()
	go func() {
		for i := 1; i <= last; i++ {
			tx.Send(i)
		}
		tx.Close()
	}()
	v, err := loopkit.Run(t, lastSeen(rx))
	await(t, doneB)
	got := []int{v, <-gotB, <-gotG}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{last, last, last}, got); diff != "" {
		t.Errorf("last values seen (-want +got):\n%s", diff)
	}
}

func TestWatchShutdownSignal(t *testing.T) {
	leaktest.Goroutines(t)
	tx, rx := channel.Watch(false)
	done := onGoroutine(func() error {
		time.Sleep(time.Millisecond)
		return tx.Send(true)
	})
	_, err := loopkit.Run(t, rx.Changed())
	await(t, done)
	if err != nil || !rx.Borrow() {
		t.Errorf("Changed() = %v, Borrow() = %v; want nil, true", err, rx.Borrow())
	}
}

// TestWatchDroppedSender checks the safety net: receivers end once a
// sender dropped without Close is collected.
func TestWatchDroppedSender(t *testing.T) {
	_, rx := channel.Watch(1)
	defer rx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	got := testkit.Describe(rx.PollChanged(cx))
	deadline := time.Now().Add(5 * time.Second)
	for got == "pending" && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
		got = testkit.Describe(rx.PollChanged(cx))
	}
	if got != "err "+channel.ErrClosed.Error() {
		t.Errorf("PollChanged() after the sender was collected = %s; want ErrClosed", got)
	}
}
