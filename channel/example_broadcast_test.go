package channel_test

import (
	"errors"
	"fmt"

	"github.com/eddyio/eddy/channel"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
)

func ExampleBroadcast() {
	tx, alice := channel.Broadcast[string](8)
	bob := tx.Subscribe()
	defer alice.Close()
	defer bob.Close()
	tx.Send("hello")
	tx.Send("everyone")
	tx.Close() // each receiver takes what is left, then its stream ends
	driver.Run(printAll(alice))
	driver.Run(printAll(bob))
	// Output:
	// hello
	// everyone
	// end
	// hello
	// everyone
	// end
}

func ExampleLaggedError() {
	tx, rx := channel.Broadcast[int](3)
	defer rx.Close()
	for i := range 5 {
		tx.Send(i) // never waits: the channel keeps the last 3
	}
	tx.Close()
	for {
		v, err := rx.TryRecv()
		var lag *channel.LaggedError
		switch {
		case errors.As(err, &lag):
			fmt.Println("missed", lag.Missed, errors.Is(err, channel.ErrLagged))
			continue
		case err != nil:
			fmt.Println(err)
			return
		}
		fmt.Println(v)
	}
	// Output:
	// missed 2 true
	// 2
	// 3
	// 4
	// channel: closed
}

func ExampleBroadcastSender_Subscribe() {
	tx, rx := channel.Broadcast[int](4)
	defer rx.Close()
	tx.Send(1)
	late := tx.Subscribe() // receives only what is sent from now on
	defer late.Close()
	tx.Send(2)
	tx.Close()
	driver.Run(printAll(late))
	// Output:
	// 2
	// end
}

func ExampleBroadcastSender_Send() {
	tx, rx := channel.Broadcast[int](1)
	fmt.Println(tx.Send(1))
	rx.Close()
	fmt.Println(tx.Send(2)) // nobody listens
	tx.Close()
	// Output:
	// <nil>
	// channel: closed
}

func ExampleBroadcastSender_Clone() {
	tx, rx := channel.Broadcast[string](4)
	defer rx.Close()
	tx2 := tx.Clone()
	tx.Send("from one")
	tx.Close()
	tx2.Send("from the other")
	tx2.Close() // the last sender
	driver.Run(printAll(rx))
	// Output:
	// from one
	// from the other
	// end
}

func ExampleBroadcastReceiver() {
	tx, rx := channel.Broadcast[int](16)
	defer rx.Close()
	go func() { // a goroutine (or another task or loop) publishes
		defer tx.Close()
		for i := 1; i <= 3; i++ {
			tx.Send(i * 10)
		}
	}()
	sum, _ := driver.Run(future.PollFn(func(cx *future.Context) future.Poll[int] {
		total := 0
		for {
			p := rx.PollNext(cx)
			switch {
			case p.IsPending():
				return future.Pending[int]()
			case p.IsEnd():
				return future.Ok(total)
			}
			total += p.Value()
		}
	}))
	fmt.Println(sum)
	// Output:
	// 60
}
