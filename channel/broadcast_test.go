package channel_test

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/channel"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/stream"
)

func TestBroadcastEveryReceiverGetsEveryValue(t *testing.T) {
	tx, rx := channel.Broadcast[int](4)
	defer tx.Close()
	defer rx.Close()
	rx2 := tx.Subscribe()
	defer rx2.Close()
	tx.Send(1)
	late := tx.Subscribe() // receives only what is sent from now on
	defer late.Close()
	tx.Send(2)
	tx.Send(3)
	for name, r := range map[string]*channel.BroadcastReceiver[int]{"first": rx, "second": rx2, "late": late} {
		var got []string
		for {
			v, err := r.TryRecv()
			if err != nil {
				got = append(got, err.Error())
				break
			}
			got = append(got, fmt.Sprint(v))
		}
		want := []string{"1", "2", "3", "channel: empty"}
		if name == "late" {
			want = want[1:]
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s receiver (-want +got):\n%s", name, diff)
		}
	}
	if n := tx.Receivers(); n != 3 {
		t.Errorf("Receivers() = %d; want 3", n)
	}
}

func TestBroadcastLag(t *testing.T) {
	tx, rx := channel.Broadcast[int](4)
	defer tx.Close()
	defer rx.Close()
	slow := tx.Subscribe()
	defer slow.Close()
	for i := range 10 {
		if err := tx.Send(i); err != nil { // never waits for the slow ones
			t.Fatalf("Send(%d) = %v", i, err)
		}
	}
	// TryRecv: the lag, then the four values kept.
	_, err := rx.TryRecv()
	var lag *channel.LaggedError
	if !errors.As(err, &lag) || lag.Missed != 6 || !errors.Is(err, channel.ErrLagged) {
		t.Fatalf("TryRecv() after 10 sends into 4 = %v; want *LaggedError{Missed: 6} matching ErrLagged", err)
	}
	if want := "channel: receiver lagged, 6 values missed"; err.Error() != want {
		t.Errorf("Error() = %q; want %q", err.Error(), want)
	}
	for want := 6; want < 10; want++ {
		if v, err := rx.TryRecv(); v != want || err != nil {
			t.Errorf("TryRecv() = %v, %v; want %d, nil", v, err, want)
		}
	}
	// PollNext: the lag is an item error, not the end.
	cx, _ := testkit.NewContext()
	tx.Send(10)
	want := []string{
		"err channel: receiver lagged, 7 values missed",
		"item 7", "item 8", "item 9", "item 10", "pending",
	}
	var got []string
	for range want {
		got = append(got, testkit.DescribeItem(slow.PollNext(cx)))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("slow receiver PollNext (-want +got):\n%s", diff)
	}
}

func TestBroadcastCloseEndsAfterDrain(t *testing.T) {
	tx, rx := channel.Broadcast[string](2)
	defer rx.Close()
	tx2 := tx.Clone()
	tx.Send("a")
	tx.Close()
	tx.Close()
	if err := tx.Send("x"); err != channel.ErrClosed {
		t.Errorf("Send() on a closed sender = %v; want ErrClosed", err)
	}
	tx2.Send("b")
	cx, w := testkit.NewContext()
	if got := testkit.DescribeItem(rx.PollNext(cx)); got != "item a" {
		t.Errorf("PollNext() = %s; want item a", got)
	}
	if got := testkit.DescribeItem(rx.PollNext(cx)); got != "item b" {
		t.Errorf("PollNext() = %s; want item b", got)
	}
	if got := testkit.DescribeItem(rx.PollNext(cx)); got != "pending" {
		t.Fatalf("PollNext() with a sender open = %s; want pending", got)
	}
	tx2.Close() // the last sender: wakes the waiting receiver
	if w.Count() != 1 {
		t.Errorf("woken %d times by the last Close; want 1", w.Count())
	}
	for _, want := range []string{"end", "end"} {
		if got := testkit.DescribeItem(rx.PollNext(cx)); got != want {
			t.Errorf("PollNext() after close = %s; want %s", got, want)
		}
	}
	if _, err := rx.TryRecv(); err != channel.ErrClosed {
		t.Errorf("TryRecv() after close = %v; want ErrClosed", err)
	}
	late := tx.Subscribe()
	defer late.Close()
	if got := testkit.DescribeItem(late.PollNext(cx)); got != "end" {
		t.Errorf("receiver subscribed after close: PollNext() = %s; want end", got)
	}
	closed := tx.Clone()
	if err := closed.Send("y"); err != channel.ErrClosed {
		t.Errorf("Send() on a clone of a closed sender = %v; want ErrClosed", err)
	}
	closed.Close()
}

func TestBroadcastNoReceivers(t *testing.T) {
	tx, rx := channel.Broadcast[int](2)
	defer tx.Close()
	tx.Send(1)
	rx.Close()
	rx.Close()
	if err := tx.Send(2); err != channel.ErrClosed {
		t.Errorf("Send() with no receiver = %v; want ErrClosed", err)
	}
	if _, err := rx.TryRecv(); err != channel.ErrClosed {
		t.Errorf("TryRecv() on a closed receiver = %v; want ErrClosed", err)
	}
	again := tx.Subscribe()
	defer again.Close()
	tx.Send(3)
	if v, err := again.TryRecv(); v != 3 || err != nil {
		t.Errorf("TryRecv() = %v, %v; want 3, nil (nothing from before it subscribed)", v, err)
	}
}

// TestBroadcastCloseAndAbandonUnpark checks contract 11: a receiver given
// up by its owner or closed leaves no waker parked.
func TestBroadcastCloseAndAbandonUnpark(t *testing.T) {
	tx, rx := channel.Broadcast[int](2)
	defer tx.Close()
	defer rx.Close()
	other := tx.Subscribe()
	cx, w := testkit.NewContext()
	rx.PollNext(cx)
	other.PollNext(cx)
	if n := channel.BroadcastWaiting(tx); n != 2 {
		t.Fatalf("%d receivers parked; want 2", n)
	}
	future.Abandon(rx)
	future.Abandon(rx)
	other.Close()
	if n := channel.BroadcastWaiting(tx); n != 0 {
		t.Errorf("%d receivers parked after Abandon and Close; want 0", n)
	}
	tx.Send(1)
	if w.Count() != 0 {
		t.Errorf("woken %d times after Abandon and Close; want 0", w.Count())
	}
	if got := testkit.DescribeItem(rx.PollNext(cx)); got != "item 1" {
		t.Errorf("abandoned (not closed) receiver PollNext() = %s; want item 1", got)
	}
}

// reentrant is a waker that uses the channel from inside Wake: it would
// deadlock if a waker were called with the channel's lock held.
type reentrant struct {
	tx    *channel.BroadcastSender[int]
	rx    *channel.BroadcastReceiver[int]
	woken int
}

func (r *reentrant) Wake() {
	r.woken++
	r.rx.TryRecv()
	r.tx.Receivers()
}

func TestBroadcastWakesOutsideLock(t *testing.T) {
	tx, rx := channel.Broadcast[int](2)
	defer rx.Close()
	w := &reentrant{tx: tx, rx: rx}
	cx := future.NewContext(w, nil)
	rx.PollNext(cx)
	tx.Send(1)
	rx.PollNext(cx)
	tx.Close()
	if w.woken != 2 {
		t.Errorf("woken %d times; want 2", w.woken)
	}
}

func TestBroadcastAllocatesNothing(t *testing.T) {
	tx, rx := channel.Broadcast[int](8)
	defer tx.Close()
	defer rx.Close()
	rx2 := tx.Subscribe()
	defer rx2.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	cycle := map[string]func(){
		"Send/TryRecv": func() {
			tx.Send(1)
			rx.TryRecv()
			rx2.TryRecv()
		},
		"park/Send/PollNext": func() {
			rx.PollNext(cx) // pending: parks the waker
			rx2.PollNext(cx)
			tx.Send(1) // wakes both
			rx.PollNext(cx)
			rx2.PollNext(cx)
		},
		"RecvBlocking": func() {
			tx.Send(1)
			rx.RecvBlocking()
			rx2.RecvBlocking()
		},
	}
	for name, f := range cycle {
		f() // make the signals
		if n := testing.AllocsPerRun(1000, f); n != 0 {
			t.Errorf("%s: %v allocations per cycle; want 0", name, n)
		}
	}
}

// msg is a value of the stress test: which sender sent it, and its number
// among that sender's values.
type msg struct{ from, seq int }

// tally checks a receiver's values: each sender's values in order, a gap
// only where a lag says so, and every value either received or missed.
type tally struct {
	next     [2]int
	received int
	missed   uint64
	lagged   [2]bool // a lag was reported and no value from that sender followed yet
	err      error
}

func (c *tally) take(v msg, err error) {
	if c.err != nil {
		return
	}
	var lag *channel.LaggedError
	switch {
	case errors.As(err, &lag):
		c.missed += lag.Missed
		c.lagged = [2]bool{true, true}
	case err != nil:
		c.err = err
	case v.seq < c.next[v.from]:
		c.err = fmt.Errorf("from %d: got %d after %d", v.from, v.seq, c.next[v.from]-1)
	case v.seq > c.next[v.from] && !c.lagged[v.from]:
		c.err = fmt.Errorf("from %d: got %d, want %d, no lag reported", v.from, v.seq, c.next[v.from])
	default:
		c.next[v.from] = v.seq + 1
		c.received++
		c.lagged[v.from] = false
	}
}

// TestBroadcastStress sends from two goroutines to receivers on two loops
// and on two goroutines, and checks that every receiver accounts for every
// value: received in order or reported missed.
func TestBroadcastStress(t *testing.T) {
	leaktest.Goroutines(t)
	const perSender = 20000
	tx, rx := channel.Broadcast[msg](16)
	receivers := []*channel.BroadcastReceiver[msg]{rx, tx.Subscribe(), tx.Subscribe(), tx.Subscribe()}
	tallies := make([]tally, len(receivers))
	// Receivers 0 and 1 are tasks on two loops, 2 and 3 goroutines.
	onLoop := func(i int) <-chan loopkit.Outcome[struct{}] {
		r, c := receivers[i], &tallies[i]
		return loopkit.Spawn(loopkit.StartLoop(t), future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
			for {
				p := r.PollNext(cx)
				switch {
				case p.IsPending():
					return future.Pending[struct{}]()
				case p.IsEnd():
					return future.Ok(struct{}{})
				}
				c.take(p.Value(), p.Err())
			}
		}))
	}
	var wg sync.WaitGroup
	onGoroutine := func(i int) {
		defer wg.Done()
		r, c := receivers[i], &tallies[i]
		for {
			v, err := r.RecvBlocking()
			if err == channel.ErrClosed {
				return
			}
			c.take(v, err)
		}
	}
	loops := []<-chan loopkit.Outcome[struct{}]{onLoop(0), onLoop(1)}
	wg.Add(2)
	go onGoroutine(2)
	go onGoroutine(3)
	senders := []*channel.BroadcastSender[msg]{tx, tx.Clone()}
	var sent sync.WaitGroup
	for from, s := range senders {
		sent.Go(func() {
			defer s.Close()
			for seq := range perSender {
				if err := s.Send(msg{from, seq}); err != nil {
					t.Errorf("Send() = %v", err)
					return
				}
				switch {
				case seq%1024 == 0:
					time.Sleep(100 * time.Microsecond) // let the receivers catch up
				case seq%64 == 0:
					runtime.Gosched()
				}
			}
		})
	}
	sent.Wait()
	for _, l := range loops {
		loopkit.Await(t, l)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("receivers did not end")
	}
	for i, c := range tallies {
		receivers[i].Close()
		if c.err != nil {
			t.Errorf("receiver %d: %v", i, c.err)
		}
		t.Logf("receiver %d: received %d, missed %d", i, c.received, c.missed)
		if total := uint64(c.received) + c.missed; total != 2*perSender {
			t.Errorf("receiver %d: received %d + missed %d = %d; want %d", i, c.received, c.missed, total, 2*perSender)
		}
	}
}

// TestBroadcastDroppedReceiver checks the safety net: a receiver dropped
// without Close stops counting once it is collected.
func TestBroadcastDroppedReceiver(t *testing.T) {
	tx, rx := channel.Broadcast[int](1)
	defer tx.Close()
	rx.PollNext(future.NewContext(future.NoopWaker, nil)) // parked, then dropped
	rx = nil
	deadline := time.Now().Add(5 * time.Second)
	for tx.Receivers() > 0 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if n := tx.Receivers(); n != 0 || channel.BroadcastWaiting(tx) != 0 {
		t.Errorf("after the receiver was collected: Receivers() = %d, parked %d; want 0, 0", n, channel.BroadcastWaiting(tx))
	}
}

var _ stream.Stream[msg] = (*channel.BroadcastReceiver[msg])(nil)
