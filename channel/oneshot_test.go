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
)

func TestOneshotByHand(t *testing.T) {
	tests := []struct {
		name       string
		act        func(tx *channel.OneshotSender[string], rx *channel.OneshotReceiver[string])
		wantPoll   string
		wantWakes  int
		wantSecond string
	}{
		{
			name:       "send",
			act:        func(tx *channel.OneshotSender[string], _ *channel.OneshotReceiver[string]) { tx.Send("v") },
			wantPoll:   "ok v",
			wantWakes:  1,
			wantSecond: "err " + future.ErrPolledAfterCompletion.Error(),
		},
		{
			name:       "sender closed",
			act:        func(tx *channel.OneshotSender[string], _ *channel.OneshotReceiver[string]) { tx.Close() },
			wantPoll:   "err " + channel.ErrCanceled.Error(),
			wantWakes:  1,
			wantSecond: "err " + future.ErrPolledAfterCompletion.Error(),
		},
		{
			name:       "receiver closed",
			act:        func(_ *channel.OneshotSender[string], rx *channel.OneshotReceiver[string]) { rx.Close() },
			wantPoll:   "err " + channel.ErrClosed.Error(),
			wantWakes:  0,
			wantSecond: "err " + channel.ErrClosed.Error(),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tx, rx := channel.Oneshot[string]()
			defer tx.Close()
			defer rx.Close()
			var w testkit.WakeCounter
			cx := future.NewContext(&w, nil)
			for range 2 {
				if got := testkit.Describe(rx.Poll(cx)); got != "pending" {
					t.Fatalf("Poll() before anything = %s; want pending", got)
				}
			}
			tc.act(tx, rx)
			if w.Count() != tc.wantWakes {
				t.Errorf("woken %d times; want %d", w.Count(), tc.wantWakes)
			}
			if got := testkit.Describe(rx.Poll(cx)); got != tc.wantPoll {
				t.Errorf("Poll() = %s; want %s", got, tc.wantPoll)
			}
			if got := testkit.Describe(rx.Poll(cx)); got != tc.wantSecond {
				t.Errorf("Poll() again = %s; want %s", got, tc.wantSecond)
			}
		})
	}
}

func TestOneshotSenderErrors(t *testing.T) {
	tx, rx := channel.Oneshot[int]()
	if err := tx.Send(1); err != nil {
		t.Errorf("Send() = %v; want nil", err)
	}
	if err := tx.Send(2); err != channel.ErrClosed {
		t.Errorf("second Send() = %v; want ErrClosed", err)
	}
	tx.Close() // after sending: no effect
	if v, err := rx.TryRecv(); v != 1 || err != nil {
		t.Errorf("TryRecv() = %v, %v; want 1, nil", v, err)
	}

	tx, rx = channel.Oneshot[int]()
	if _, err := rx.TryRecv(); err != channel.ErrEmpty {
		t.Errorf("TryRecv() = %v; want ErrEmpty", err)
	}
	rx.Close()
	if err := tx.Send(1); err != channel.ErrClosed {
		t.Errorf("Send() after the receiver closed = %v; want ErrClosed", err)
	}
}

func TestOneshotCanceled(t *testing.T) {
	tx, rx := channel.Oneshot[int]()
	defer tx.Close()
	var w testkit.WakeCounter
	cx := future.NewContext(&w, nil)
	if got := testkit.Describe(tx.PollCanceled(cx)); got != "pending" {
		t.Fatalf("PollCanceled() = %s; want pending", got)
	}
	rx.Close()
	if w.Count() != 1 {
		t.Errorf("woken %d times; want 1", w.Count())
	}
	if got := testkit.Describe(tx.PollCanceled(cx)); got != "ok {}" {
		t.Errorf("PollCanceled() = %s; want ready", got)
	}
}

func TestOneshotAcrossGoroutinesAndLoops(t *testing.T) {
	leaktest.Goroutines(t)
	t.Run("goroutine to task", func(t *testing.T) {
		tx, rx := channel.Oneshot[int]()
		done := onGoroutine(func() error {
			time.Sleep(time.Millisecond)
			return tx.Send(42)
		})
		v, err := loopkit.Run(t, rx)
		await(t, done)
		if v != 42 || err != nil {
			t.Errorf("Run(rx) = %v, %v; want 42, nil", v, err)
		}
	})
	t.Run("task to goroutine", func(t *testing.T) {
		tx, rx := channel.Oneshot[int]()
		got := make(chan int, 1)
		go func() {
			v, _ := rx.RecvBlocking()
			got <- v
		}()
		loopkit.Run(t, future.Lazy(func() (struct{}, error) { return struct{}{}, tx.Send(7) }))
		if v := <-got; v != 7 {
			t.Errorf("RecvBlocking() = %d; want 7", v)
		}
	})
	t.Run("loop to loop, sender notices the receiver leave", func(t *testing.T) {
		tx, rx := channel.Oneshot[int]()
		other := loopkit.NewLoop(t)
		done := onGoroutine(func() error {
			_, err := driver.BlockOn(other, tx.Canceled())
			return err
		})
		time.Sleep(time.Millisecond)
		loopkit.Run(t, future.Lazy(func() (struct{}, error) { rx.Close(); return struct{}{}, nil }))
		await(t, done)
	})
	t.Run("sender closed wakes a blocked goroutine", func(t *testing.T) {
		tx, rx := channel.Oneshot[int]()
		done := onGoroutine(func() error {
			if _, err := rx.RecvBlocking(); err != channel.ErrCanceled {
				t.Errorf("RecvBlocking() = %v; want ErrCanceled", err)
			}
			return nil
		})
		time.Sleep(time.Millisecond)
		tx.Close()
		await(t, done)
	})
}

// TestOneshotDroppedSender checks the safety net: a sender dropped without
// sending or closing cancels the receiver once collected.
func TestOneshotDroppedSender(t *testing.T) {
	_, rx := channel.Oneshot[int]()
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for _, err = rx.TryRecv(); err == channel.ErrEmpty && time.Now().Before(deadline); _, err = rx.TryRecv() {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if err != channel.ErrCanceled {
		t.Errorf("TryRecv() after the sender was collected = %v; want ErrCanceled", err)
	}
}
