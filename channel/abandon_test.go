package channel_test

import (
	"testing"

	"github.com/eddyio/eddy/channel"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

// TestReceiversAbandonUnpark checks contract 11 for the receivers of the
// mpsc, watch and oneshot channels, as TestBroadcastCloseAndAbandonUnpark
// does for broadcast: a receiver given up while it waits leaves no waker
// parked, so the next send wakes nobody, and it stays usable: polled
// again, it answers the value.
func TestReceiversAbandonUnpark(t *testing.T) {
	t.Run("bounded", func(t *testing.T) {
		tx, rx := channel.Bounded[int](1)
		defer tx.Close()
		defer rx.Close()
		abandonThenReceive(t, rx, func() { tx.TrySend(1) }, next[int](rx), "item 1")
	})
	t.Run("unbounded", func(t *testing.T) {
		tx, rx := channel.Unbounded[int]()
		defer tx.Close()
		defer rx.Close()
		abandonThenReceive(t, rx, func() { tx.Send(1) }, next[int](rx), "item 1")
	})
	t.Run("watch", func(t *testing.T) {
		tx, rx := seenWatch(t)
		abandonThenReceive(t, rx, func() { tx.Send(1) }, next[int](rx), "item 1")
	})
	t.Run("oneshot", func(t *testing.T) {
		tx, rx := channel.Oneshot[int]()
		defer tx.Close()
		defer rx.Close()
		abandonThenReceive(t, rx, func() { tx.Send(1) }, func(cx *future.Context) string {
			p := rx.Poll(cx)
			if p.IsPending() {
				return "pending"
			}
			if p.Err() != nil {
				return p.Err().Error()
			}
			return "item 1"
		}, "item 1")
	})
}

// seenWatch returns a watch channel whose receiver has seen the initial
// value, so that its next poll waits; both ends are closed at cleanup.
func seenWatch(t *testing.T) (*channel.WatchSender[int], *channel.WatchReceiver[int]) {
	tx, rx := channel.Watch(0)
	t.Cleanup(func() { tx.Close(); rx.Close() })
	cx, _ := testkit.NewContext()
	rx.PollNext(cx)
	return tx, rx
}

// next describes what a poll of s answers.
func next[T any](s stream.Stream[T]) func(*future.Context) string {
	return func(cx *future.Context) string { return testkit.DescribeItem(s.PollNext(cx)) }
}

// abandonThenReceive polls with poll until it is pending (the waker
// parked), abandons rx twice, sends, and checks that nobody was woken and
// that poll then answers want.
func abandonThenReceive(t *testing.T, rx any, send func(), poll func(*future.Context) string, want string) {
	t.Helper()
	cx, w := testkit.NewContext()
	if got := poll(cx); got != "pending" {
		t.Fatalf("first poll = %s; want pending", got)
	}
	future.Abandon(rx)
	future.Abandon(rx) // idempotent
	send()
	if n := w.Count(); n != 0 {
		t.Errorf("woken %d times after Abandon; want 0", n)
	}
	if got := poll(cx); got != want {
		t.Errorf("poll after Abandon and a send = %s; want %s", got, want)
	}
}

// TestWaitFuturesAbandonUnpark: the futures of a wait on a handle (a
// sender's Closed, a watch receiver's Changed), given up while they wait,
// leave no waker parked; polled again they answer the event.
func TestWaitFuturesAbandonUnpark(t *testing.T) {
	ready := func(f future.Future[struct{}]) func(cx *future.Context) string {
		return func(cx *future.Context) string {
			p := f.Poll(cx)
			switch {
			case p.IsPending():
				return "pending"
			case p.Err() != nil:
				return p.Err().Error()
			}
			return "ready"
		}
	}
	t.Run("bounded Closed", func(t *testing.T) {
		tx, rx := channel.Bounded[int](1)
		defer tx.Close()
		closed := tx.Closed()
		abandonThenReceive(t, closed, rx.Close, ready(closed), "ready")
	})
	t.Run("unbounded Closed", func(t *testing.T) {
		tx, rx := channel.Unbounded[int]()
		defer tx.Close()
		other := tx.Clone() // its own wait stays parked
		defer other.Close()
		cx, w := testkit.NewContext()
		if !other.PollClosed(cx).IsPending() {
			t.Fatal("the clone's PollClosed is not pending")
		}
		closed := tx.Closed()
		abandonThenReceive(t, closed, rx.Close, ready(closed), "ready")
		if w.Count() != 1 {
			t.Errorf("the clone's wait was woken %d times by the close; want 1", w.Count())
		}
	})
	t.Run("watch Changed", func(t *testing.T) {
		tx, rx := seenWatch(t)
		changed := rx.Changed()
		abandonThenReceive(t, changed, func() { tx.Send(1) }, ready(changed), "ready")
	})
}

// TestWaitFutureAllocs: making a wait's future is one allocation, as the
// PollFn of a method value it replaced was.
func TestWaitFutureAllocs(t *testing.T) {
	tx, rx := channel.Bounded[int](1)
	defer tx.Close()
	defer rx.Close()
	wtx, wrx := channel.Watch(0)
	defer wtx.Close()
	defer wrx.Close()
	var f future.Future[struct{}]
	for name, mk := range map[string]func(){
		"Sender.Closed":         func() { f = tx.Closed() },
		"WatchReceiver.Changed": func() { f = wrx.Changed() },
	} {
		if n := testing.AllocsPerRun(100, mk); n != 1 {
			t.Errorf("%s: %v allocations; want 1", name, n)
		}
	}
	_ = f
}
