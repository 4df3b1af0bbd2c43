package rx_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/reactivex/rxgo/v2"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/rx"
	"github.com/eddyio/eddy/stream"
)

func ExampleFromObservable() {
	squares := rxgo.Just(1, 2, 3, 4, 5, 6)().Map(func(_ context.Context, v any) (any, error) {
		return v.(int) * v.(int), nil
	})
	s := rx.FromObservable[int](squares) // nothing subscribed yet
	even := combinators.Filter(s, func(n int) bool { return n%2 == 0 })
	got, err := driver.Run(combinators.Collect(even))
	fmt.Println(got, err)
	// Output:
	// [4 16 36] <nil>
}

func ExampleFromObservable_errors() {
	obs := rxgo.Just(1, "two", fmt.Errorf("three failed"), 4)()
	s := rx.FromObservable[int](obs)
	printAll := future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		for {
			p := s.PollNext(cx)
			switch {
			case p.IsPending():
				return future.Pending[struct{}]() // the bridge wakes the task
			case p.IsEnd():
				return future.Ok(struct{}{})
			case p.Err() != nil:
				fmt.Println("item error:", p.Err())
			default:
				fmt.Println("value:", p.Value())
			}
		}
	})
	driver.Run(printAll)
	// Output:
	// value: 1
	// item error: rx: observable emitted string (two), want int
	// item error: three failed
	// value: 4
}

func ExampleObservableStream_Close() {
	s := rx.FromObservable[int](rxgo.Range(0, 1_000_000))
	first := combinators.Fold(s, []int(nil), func(acc []int, n int) future.Future[[]int] {
		if len(acc) == 3 {
			return future.Failed[[]int](fmt.Errorf("enough: %v", acc))
		}
		return future.Ready(append(acc, n))
	})
	_, err := driver.Run(first)
	fmt.Println(err)
	s.Close() // cancels the subscription: rxgo's goroutines end
	// Output:
	// enough: [0 1 2]
}

func ExampleToObservable() {
	loop, _ := driver.New(driver.Config{})
	stopped := make(chan struct{})
	go func() { // drive the loop while the Observable is read
		driver.BlockOn(loop, future.Never[struct{}]())
		close(stopped)
	}()

	words := combinators.MapStream(stream.Of("eddy", "polls", "rxgo", "pushes"), strings.ToUpper)
	obs := rx.ToObservable(loop, words).Filter(func(v any) bool { return len(v.(string)) > 4 })
	for item := range obs.Observe() {
		fmt.Println(item.V, item.E)
	}

	loop.Stop()
	<-stopped
	loop.Close()
	// Output:
	// POLLS <nil>
	// PUSHES <nil>
}
