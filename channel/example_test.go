package channel_test

import (
	"fmt"
	"time"

	"github.com/eddyio/eddy/channel"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
	"github.com/eddyio/eddy/timer"
)

// printAll is a future that prints every value of s until it ends.
func printAll[T any](s stream.Stream[T]) future.Future[struct{}] {
	return future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		for {
			p := s.PollNext(cx)
			if p.IsPending() {
				return future.Pending[struct{}]()
			}
			if p.IsEnd() {
				fmt.Println("end")
				return future.Ok(struct{}{})
			}
			fmt.Println(p.Value())
		}
	})
}

func ExampleBounded() {
	tx, rx := channel.Bounded[string](2)
	// A goroutine produces; it waits whenever two values are buffered.
	go func() {
		defer tx.Close()
		for _, v := range []string{"a", "b", "c"} {
			tx.SendBlocking(v)
		}
	}()
	driver.Run(printAll(rx)) // a task consumes
	// Output:
	// a
	// b
	// c
	// end
}

func ExampleSender() {
	tx, rx := channel.Bounded[int](1)
	// Sender is a stream.Sink: PollReady reserves a slot, StartSend fills it.
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(tx.PollReady(cx).IsReady(), tx.StartSend(1))
	fmt.Println(tx.PollReady(cx).IsPending()) // full: the task would wait
	fmt.Println(rx.TryRecv())
	fmt.Println(tx.PollReady(cx).IsReady()) // the freed slot was handed over
	tx.Close()
	// Output:
	// true <nil>
	// true
	// 1 <nil>
	// true
}

func ExampleSender_Clone() {
	tx, rx := channel.Bounded[int](3)
	senders := []*channel.Sender[int]{tx}
	for range 9 {
		senders = append(senders, tx.Clone())
	}
	sent := 0
	for i, s := range senders {
		if s.TrySend(i) == nil {
			sent++
		}
	}
	fmt.Println("sent:", sent) // the capacity does not grow with clones
	for _, s := range senders {
		s.Close()
	}
	driver.Run(printAll(rx))
	// Output:
	// sent: 3
	// 0
	// 1
	// 2
	// end
}

func ExampleSender_Close() {
	tx, rx := channel.Bounded[int](4)
	tx2 := tx.Clone()
	tx.TrySend(1)
	tx.Close()
	tx2.TrySend(2)
	tx2.Close() // the last sender: the stream ends after the buffer
	driver.Run(printAll(rx))
	// Output:
	// 1
	// 2
	// end
}

func ExampleSender_TrySend() {
	tx, rx := channel.Bounded[int](1)
	fmt.Println(tx.TrySend(1))
	fmt.Println(tx.TrySend(2))
	rx.Close()
	fmt.Println(tx.TrySend(3))
	tx.Close()
	// Output:
	// <nil>
	// channel: full
	// channel: closed
}

func ExampleSender_SendBlocking() {
	tx, rx := channel.Bounded[int](1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			v, ok := rx.RecvBlocking()
			if !ok {
				return
			}
			fmt.Println("got", v)
		}
	}()
	for i := range 3 {
		tx.SendBlocking(i) // waits while the one slot is taken
	}
	tx.Close()
	<-done
	// Output:
	// got 0
	// got 1
	// got 2
}

func ExampleSender_Send() {
	tx, rx := channel.Bounded[string](1)
	producer := future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		return tx.Send("hello").Poll(cx)
	})
	fmt.Println(driver.Run(producer))
	tx.Close()
	fmt.Println(rx.TryRecv())
	// Output:
	// {} <nil>
	// hello <nil>
}

func ExampleSender_PollReady() {
	tx, rx := channel.Bounded[int](1)
	defer tx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(tx.PollReady(cx).IsReady()) // a slot is reserved...
	tx2 := tx.Clone()
	fmt.Println(tx2.TrySend(9)) // ...so nobody else can take it
	tx2.Close()
	fmt.Println(tx.StartSend(1)) // and the item is never refused
	fmt.Println(rx.TryRecv())
	// Output:
	// true
	// channel: full
	// <nil>
	// 1 <nil>
}

func ExampleSender_StartSend() {
	tx, rx := channel.Bounded[int](2)
	cx := future.NewContext(future.NoopWaker, nil)
	if tx.PollReady(cx).IsReady() {
		fmt.Println(tx.StartSend(7))
	}
	fmt.Println(tx.PollFlush(cx).Err())
	tx.PollClose(cx)
	driver.Run(printAll(rx))
	// Output:
	// <nil>
	// <nil>
	// 7
	// end
}

func ExampleSender_PollFlush() {
	tx, rx := channel.Bounded[int](2)
	defer tx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(tx.PollFlush(cx).Err())
	rx.Close()
	fmt.Println(tx.PollFlush(cx).Err()) // nobody is there to take the items
	// Output:
	// <nil>
	// channel: closed
}

func ExampleSender_PollClose() {
	tx, rx := channel.Bounded[int](1)
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(tx.PollClose(cx).IsReady())
	_, err := rx.TryRecv()
	fmt.Println(err)
	// Output:
	// true
	// channel: closed
}

func ExampleSender_CancelReady() {
	tx, rx := channel.Bounded[int](1)
	tx.TrySend(0)
	waiting := tx.Clone()
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(waiting.PollReady(cx).IsPending())
	rx.TryRecv() // the freed slot goes to the waiting sender
	fmt.Println(tx.TrySend(1))
	waiting.CancelReady() // it gives up: the slot is free again
	fmt.Println(tx.TrySend(1))
	waiting.Close()
	tx.Close()
	// Output:
	// true
	// channel: full
	// <nil>
}

func ExampleSender_Closed() {
	tx, rx := channel.Bounded[int](1)
	defer tx.Close()
	go rx.Close() // the consumer leaves
	_, err := driver.Run(tx.Closed())
	fmt.Println("receiver gone:", err == nil)
	// Output:
	// receiver gone: true
}

func ExampleSender_PollClosed() {
	tx, rx := channel.Bounded[int](1)
	defer tx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(tx.PollClosed(cx).IsPending())
	rx.Close()
	fmt.Println(tx.PollClosed(cx).IsReady())
	// Output:
	// true
	// true
}

func ExampleReceiver() {
	tx, rx := channel.Bounded[int](8)
	for i := range 3 {
		tx.TrySend(i * i)
	}
	tx.Close()
	// A Receiver is a stream: it ends when every sender is closed.
	driver.Run(printAll(rx))
	// Output:
	// 0
	// 1
	// 4
	// end
}

func ExampleReceiver_PollNext() {
	tx, rx := channel.Bounded[int](1)
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(rx.PollNext(cx).IsPending())
	tx.TrySend(5)
	fmt.Println(rx.PollNext(cx).Value())
	tx.Close()
	fmt.Println(rx.PollNext(cx).IsEnd())
	// Output:
	// true
	// 5
	// true
}

func ExampleReceiver_TryRecv() {
	tx, rx := channel.Bounded[int](1)
	_, err := rx.TryRecv()
	fmt.Println(err)
	tx.TrySend(1)
	fmt.Println(rx.TryRecv())
	tx.Close()
	_, err = rx.TryRecv()
	fmt.Println(err)
	// Output:
	// channel: empty
	// 1 <nil>
	// channel: closed
}

func ExampleReceiver_RecvBlocking() {
	tx, rx := channel.Unbounded[string]()
	go func() {
		defer tx.Close()
		tx.Send("from a task or a goroutine")
	}()
	for {
		v, ok := rx.RecvBlocking()
		if !ok {
			break
		}
		fmt.Println(v)
	}
	// Output:
	// from a task or a goroutine
}

func ExampleReceiver_Close() {
	tx, rx := channel.Bounded[int](2)
	defer tx.Close()
	tx.TrySend(1)
	rx.Close()
	fmt.Println(tx.TrySend(2))
	fmt.Println(rx.TryRecv()) // buffered values can still be taken
	_, err := rx.TryRecv()
	fmt.Println(err)
	// Output:
	// channel: closed
	// 1 <nil>
	// channel: closed
}

func ExampleUnbounded() {
	tx, rx := channel.Unbounded[int]()
	for i := range 1000 {
		tx.Send(i) // never waits
	}
	tx.Close()
	sum, _ := driver.Run(future.PollFn(func(cx *future.Context) future.Poll[int] {
		total := 0
		for {
			p := rx.PollNext(cx)
			if p.IsEnd() {
				return future.Ok(total)
			}
			total += p.Value()
		}
	}))
	fmt.Println(sum)
	// Output:
	// 499500
}

func ExampleUnboundedSender() {
	tx, rx := channel.Unbounded[string]()
	cx := future.NewContext(future.NoopWaker, nil)
	// As a stream.Sink it is always ready.
	fmt.Println(tx.PollReady(cx).IsReady(), tx.StartSend("x"), tx.PollFlush(cx).Err())
	tx.PollClose(cx)
	driver.Run(printAll(rx))
	// Output:
	// true <nil> <nil>
	// x
	// end
}

func ExampleUnboundedSender_Send() {
	tx, rx := channel.Unbounded[int]()
	fmt.Println(tx.Send(1))
	rx.Close()
	fmt.Println(tx.Send(2))
	tx.Close()
	// Output:
	// <nil>
	// channel: closed
}

func ExampleUnboundedSender_Clone() {
	tx, rx := channel.Unbounded[string]()
	tx2 := tx.Clone()
	tx.Send("one")
	tx.Close()
	tx2.Send("two")
	tx2.Close()
	driver.Run(printAll(rx))
	// Output:
	// one
	// two
	// end
}

func ExampleUnboundedSender_Closed() {
	tx, rx := channel.Unbounded[int]()
	defer tx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(tx.PollClosed(cx).IsPending())
	go rx.Close()
	_, err := driver.Run(tx.Closed())
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

func ExampleOneshot() {
	tx, rx := channel.Oneshot[int]()
	go tx.Send(42) // any goroutine, or another task or loop
	fmt.Println(driver.Run(rx))
	// Output:
	// 42 <nil>
}

func ExampleOneshotSender_Close() {
	tx, rx := channel.Oneshot[int]()
	tx.Close() // gives up without sending
	fmt.Println(driver.Run(rx))
	// Output:
	// 0 channel: sender closed without sending
}

func ExampleOneshotSender_Send() {
	tx, rx := channel.Oneshot[string]()
	fmt.Println(tx.Send("once"))
	fmt.Println(tx.Send("twice"))
	fmt.Println(rx.TryRecv())
	// Output:
	// <nil>
	// channel: closed
	// once <nil>
}

func ExampleOneshotSender_Canceled() {
	tx, rx := channel.Oneshot[int]()
	defer tx.Close()
	go rx.Close() // the asker leaves
	_, err := driver.Run(tx.Canceled())
	fmt.Println("stop working:", err == nil)
	// Output:
	// stop working: true
}

func ExampleOneshotSender_PollCanceled() {
	tx, rx := channel.Oneshot[int]()
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(tx.PollCanceled(cx).IsPending())
	rx.Close()
	fmt.Println(tx.PollCanceled(cx).IsReady())
	fmt.Println(tx.Send(1))
	// Output:
	// true
	// true
	// channel: closed
}

func ExampleOneshotReceiver() {
	tx, rx := channel.Oneshot[string]()
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(rx.Poll(cx).IsPending())
	tx.Send("done")
	fmt.Println(rx.Poll(cx).Result())
	// Output:
	// true
	// done <nil>
}

func ExampleOneshotReceiver_TryRecv() {
	tx, rx := channel.Oneshot[int]()
	_, err := rx.TryRecv()
	fmt.Println(err)
	tx.Send(3)
	fmt.Println(rx.TryRecv())
	// Output:
	// channel: empty
	// 3 <nil>
}

func ExampleOneshotReceiver_RecvBlocking() {
	tx, rx := channel.Oneshot[int]()
	go driver.Run(future.Lazy(func() (struct{}, error) {
		return struct{}{}, tx.Send(9) // a task answers a goroutine
	}))
	fmt.Println(rx.RecvBlocking())
	// Output:
	// 9 <nil>
}

func ExampleOneshotReceiver_Close() {
	tx, rx := channel.Oneshot[int]()
	rx.Close()
	fmt.Println(tx.Send(1))
	// Output:
	// channel: closed
}

func ExampleWatch() {
	tx, rx := channel.Watch("v1")
	defer rx.Close()
	fmt.Println(rx.Borrow())
	tx.Send("v2")
	tx.Send("v3")
	fmt.Println(rx.Borrow()) // the latest value wins
	tx.Close()
	// Output:
	// v1
	// v3
}

func ExampleWatchSender() {
	tx, rx := channel.Watch(0)
	defer rx.Close()
	shutdown := tx // kept by whoever decides
	go func() {
		shutdown.Send(1)
		shutdown.Close()
	}()
	_, err := driver.Run(rx.Changed())
	fmt.Println(err, rx.Borrow())
	// Output:
	// <nil> 1
}

func ExampleWatchSender_Send() {
	tx, rx := channel.Watch(1)
	fmt.Println(tx.Send(2))
	rx.Close()
	fmt.Println(tx.Send(3)) // nobody listens
	tx.Close()
	fmt.Println(tx.Send(4))
	// Output:
	// <nil>
	// channel: closed
	// channel: closed
}

func ExampleWatchSender_Close() {
	tx, rx := channel.Watch(1)
	defer rx.Close()
	tx.Send(2)
	tx.Close()
	driver.Run(printAll(rx)) // the unseen value, then the end
	// Output:
	// 2
	// end
}

func ExampleWatchSender_Subscribe() {
	tx, rx := channel.Watch("a")
	rx.Close()
	tx.Send("b")
	late := tx.Subscribe()
	defer late.Close()
	fmt.Println(late.Borrow())
	tx.Close()
	// Output:
	// b
}

func ExampleWatchSender_Closed() {
	tx, rx := channel.Watch(0)
	defer tx.Close()
	go rx.Close()
	_, err := driver.Run(tx.Closed())
	fmt.Println("nobody listens:", err == nil)
	// Output:
	// nobody listens: true
}

func ExampleWatchSender_PollClosed() {
	tx, rx := channel.Watch(0)
	defer tx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(tx.PollClosed(cx).IsPending())
	rx.Close()
	fmt.Println(tx.PollClosed(cx).IsReady())
	// Output:
	// true
	// true
}

func ExampleWatchReceiver() {
	tx, rx := channel.Watch(0)
	defer rx.Close()
	go func() {
		for i := 1; i <= 3; i++ {
			tx.Send(i)
		}
		tx.Close()
	}()
	// As a stream, a receiver yields the changes it has not seen (latest
	// wins) and ends when the sender is closed: the last value always
	// comes through. The latest value seen is kept outside the poll
	// function: the sender may still be sending when the receiver has
	// caught up, and then the task is polled again.
	v := 0
	last, _ := driver.Run(future.PollFn(func(cx *future.Context) future.Poll[int] {
		for {
			p := rx.PollNext(cx)
			if p.IsPending() {
				return future.Pending[int]()
			}
			if p.IsEnd() {
				return future.Ok(v)
			}
			v = p.Value()
		}
	}))
	fmt.Println(last)
	// Output:
	// 3
}

func ExampleWatchReceiver_Borrow() {
	tx, rx := channel.Watch("config-1")
	defer rx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	tx.Send("config-2")
	fmt.Println(rx.Borrow()) // marks it seen
	fmt.Println(rx.PollChanged(cx).IsPending())
	tx.Close()
	// Output:
	// config-2
	// true
}

func ExampleWatchReceiver_Changed() {
	tx, rx := channel.Watch(0)
	defer rx.Close()
	go func() {
		tx.Send(1)
		tx.Close()
	}()
	for {
		if _, err := driver.Run(rx.Changed()); err != nil {
			fmt.Println(err)
			break
		}
		fmt.Println("changed to", rx.Borrow())
	}
	// Output:
	// changed to 1
	// channel: closed
}

func ExampleWatchReceiver_PollChanged() {
	tx, rx := channel.Watch(0)
	defer rx.Close()
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(rx.PollChanged(cx).IsPending())
	tx.Send(1)
	fmt.Println(rx.PollChanged(cx).IsReady())
	tx.Close()
	fmt.Println(rx.PollChanged(cx).Err())
	// Output:
	// true
	// true
	// channel: closed
}

func ExampleWatchReceiver_ChangedBlocking() {
	tx, rx := channel.Watch("starting")
	defer rx.Close()
	go func() {
		tx.Send("running")
		tx.Close()
	}()
	v, err := rx.ChangedBlocking()
	fmt.Println(v, err)
	// Output:
	// running <nil>
}

func ExampleWatchReceiver_Clone() {
	tx, rx := channel.Watch(1)
	other := rx.Clone()
	tx.Send(2)
	fmt.Println(rx.Borrow(), other.Borrow())
	rx.Close()
	other.Close()
	fmt.Println(tx.Send(3))
	// Output:
	// 2 2
	// channel: closed
}

func ExampleWatchReceiver_Close() {
	tx, rx := channel.Watch(1)
	cx := future.NewContext(future.NoopWaker, nil)
	rx.Close()
	fmt.Println(tx.PollClosed(cx).IsReady())
	// Output:
	// true
}

func ExampleOneshotReceiver_Abandon() {
	tx, rx := channel.Oneshot[int]()
	defer rx.Close()
	// The timeout fires first and abandons the receive it wraps: the
	// receiver's waker is withdrawn (the send below wakes nobody), and
	// the receiver, not closed, can still be polled for the value.
	_, err := driver.Run(timer.Timeout[int](rx, 10*time.Millisecond))
	fmt.Println(err)
	tx.Send(42)
	v, err := driver.Run[int](rx)
	fmt.Println(v, err)
	// Output:
	// timer: *channel.OneshotReceiver[int] timed out after 10ms
	// 42 <nil>
}
