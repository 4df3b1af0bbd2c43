package combinators_test

import (
	"fmt"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func ExampleNewFuturesUnordered() {
	set := combinators.NewFuturesUnordered[string]()
	set.Push(combinators.Map(future.Yield(), func(struct{}) string { return "slow" })) // pending once
	set.Push(future.Ready("fast"))
	cx := future.NewContext(future.NoopWaker, nil)
	for set.Len() > 0 {
		if p := set.PollNext(cx); p.IsItem() {
			fmt.Println(p.Value())
		}
	}
	fmt.Println("end:", set.PollNext(cx).IsEnd())
	// Output:
	// fast
	// slow
	// end: true
}

func ExampleNewFuturesOrdered() {
	set := combinators.NewFuturesOrdered[string]()
	set.Push(combinators.Map(future.Yield(), func(struct{}) string { return "slow" }))
	set.Push(future.Ready("fast"))
	cx := future.NewContext(future.NoopWaker, nil)
	for set.Len() > 0 {
		if p := set.PollNext(cx); p.IsItem() {
			fmt.Println(p.Value())
		}
	}
	// Output:
	// slow
	// fast
}
