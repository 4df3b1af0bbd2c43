package channel_test

import (
	"testing"

	"github.com/eddyio/eddy/channel"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/google/go-cmp/cmp"
)

func TestUnboundedNeverWaits(t *testing.T) {
	tx, rx := channel.Unbounded[int]()
	cx := future.NewContext(future.NoopWaker, nil)
	tx2 := tx.Clone()
	for i := range 1000 {
		s := tx
		if i%2 == 1 {
			s = tx2
		}
		if p := s.PollReady(cx); !p.IsReady() || p.Err() != nil {
			t.Fatalf("PollReady() = %s; want ready", testkit.Describe(p))
		}
		if err := s.StartSend(i); err != nil {
			t.Fatalf("Send(%d) = %v", i, err)
		}
	}
	tx.Close()
	if p := tx.PollReady(cx); p.Err() != channel.ErrClosed {
		t.Errorf("PollReady() after Close = %s; want ErrClosed", testkit.Describe(p))
	}
	if p := tx2.PollClose(cx); !p.IsReady() {
		t.Errorf("PollClose() = %s; want ready", testkit.Describe(p))
	}
	got, err := loopkit.Run(t, collectAll(rx))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ints(1000), got); diff != "" {
		t.Errorf("received (-want +got):\n%s", diff)
	}
}

func TestUnboundedReceiverClose(t *testing.T) {
	tx, rx := channel.Unbounded[int]()
	defer tx.Close()
	var w testkit.WakeCounter
	cx := future.NewContext(&w, nil)
	if p := tx.PollClosed(cx); !p.IsPending() {
		t.Fatalf("PollClosed() = %s; want pending", testkit.Describe(p))
	}
	rx.Close()
	if w.Count() != 1 {
		t.Errorf("woken %d times; want 1", w.Count())
	}
	if err := tx.Send(1); err != channel.ErrClosed {
		t.Errorf("Send() = %v; want ErrClosed", err)
	}
	if p := tx.PollFlush(cx); p.Err() != channel.ErrClosed {
		t.Errorf("PollFlush() = %s; want ErrClosed", testkit.Describe(p))
	}
	if _, err := loopkit.Run(t, tx.Closed()); err != nil {
		t.Errorf("Closed() = %v", err)
	}
}

func TestUnboundedAcrossLoopsAndGoroutines(t *testing.T) {
	leaktest.Goroutines(t)
	tx, rx := channel.Unbounded[int]()
	txTask := tx.Clone()
	goDone := onGoroutine(func() error {
		defer tx.Close()
		for i := range 100 {
			if err := tx.Send(i); err != nil {
				return err
			}
		}
		return nil
	})
	producer := loopkit.NewLoop(t)
	taskDone := onGoroutine(func() error {
		_, err := driver.BlockOn(producer, future.Lazy(func() (struct{}, error) {
			defer txTask.Close()
			for i := 100; i < 200; i++ {
				if err := txTask.Send(i); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		}))
		return err
	})
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
	await(t, goDone)
	await(t, taskDone)
	got := <-done
	if len(got) != 200 {
		t.Fatalf("received %d values; want 200", len(got))
	}
	last := map[bool]int{false: -1, true: 99}
	for _, v := range got {
		if v <= last[v >= 100] {
			t.Fatalf("values from one sender out of order: %v", got)
		}
		last[v >= 100] = v
	}
}

func TestUnboundedSteadyStateAllocs(t *testing.T) {
	tx, rx := channel.Unbounded[int]()
	defer tx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	f := func() {
		rx.PollNext(cx)
		for range 8 {
			tx.Send(1)
		}
		for range 8 {
			rx.PollNext(cx)
		}
	}
	f()
	if n := testing.AllocsPerRun(1000, f); n != 0 {
		t.Errorf("%v allocations per cycle; want 0", n)
	}
}
