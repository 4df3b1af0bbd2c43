package future_test

import (
	"errors"
	"fmt"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
)

// show prints one poll answer.
func show[T any](p future.Poll[T]) {
	if p.IsPending() {
		fmt.Println("pending")
		return
	}
	v, err := p.Result()
	fmt.Printf("ready: %v, %v\n", v, err)
}

// counter is a hand-written leaf future: it is ready once it has been woken
// n times, and arranges its own wake-up by keeping the waker (contract 3).
type counter struct {
	n     int
	waker future.Waker
}

func (c *counter) Poll(cx *future.Context) future.Poll[string] {
	if c.n == 0 {
		return future.Ok("done")
	}
	c.n--
	c.waker = cx.Waker() // whatever makes progress will wake it
	return future.Pending[string]()
}

// ExampleFuture polls a hand-written future by hand, as a driver would:
// poll, wait to be woken, poll again.
func ExampleFuture() {
	woken := 0
	cx := future.NewContext(future.WakerFunc(func() { woken++ }), nil)
	c := &counter{n: 2}
	var f future.Future[string] = c
	for {
		p := f.Poll(cx)
		show(p)
		if p.IsReady() {
			break
		}
		c.waker.Wake() // the event the future waits for happens
	}
	fmt.Println("woken", woken, "times")
	// Output:
	// pending
	// pending
	// ready: done, <nil>
	// woken 2 times
}

func ExamplePoll() {
	show(future.Ok(42))
	show(future.Fail[int](errors.New("refused")))
	show(future.Pending[int]())
	var zero future.Poll[int]
	fmt.Println(zero.IsPending())
	// Output:
	// ready: 42, <nil>
	// ready: 0, refused
	// pending
	// true
}

func ExampleOk() {
	p := future.Ok("hi")
	fmt.Println(p.IsReady(), p.Value(), p.Err())
	// Output: true hi <nil>
}

func ExampleFail() {
	p := future.Fail[int](errors.New("no route"))
	fmt.Println(p.IsReady(), p.Value(), p.Err())
	// Output: true 0 no route
}

func ExampleResult() {
	n, err := fmt.Sscan("12", new(int))
	show(future.Result(n, err))
	// Output: ready: 1, <nil>
}

func ExamplePending() {
	p := future.Pending[int]()
	fmt.Println(p.IsPending(), p.IsReady())
	// Output: true false
}

func ExamplePoll_IsPending() {
	fmt.Println(future.Pending[int]().IsPending(), future.Ok(1).IsPending())
	// Output: true false
}

func ExamplePoll_IsReady() {
	fmt.Println(future.Pending[int]().IsReady(), future.Fail[int](errors.New("x")).IsReady())
	// Output: false true
}

func ExamplePoll_Value() {
	fmt.Println(future.Ok(3).Value(), future.Pending[int]().Value())
	// Output: 3 0
}

func ExamplePoll_Err() {
	fmt.Println(future.Fail[int](errors.New("closed")).Err(), future.Ok(1).Err())
	// Output: closed <nil>
}

func ExamplePoll_Result() {
	v, err := future.Result("partial", errors.New("short write")).Result()
	fmt.Printf("%q %v\n", v, err)
	// Output: "partial" short write
}

func ExampleErrPolledAfterCompletion() {
	cx := future.NewContext(nil, nil)
	f := future.Ready(1)
	show(f.Poll(cx))
	p := f.Poll(cx)
	fmt.Println(errors.Is(p.Err(), future.ErrPolledAfterCompletion))
	// Output:
	// ready: 1, <nil>
	// true
}

func ExampleReady() {
	show(future.Ready("value").Poll(future.NewContext(nil, nil)))
	// Output: ready: value, <nil>
}

func ExampleFailed() {
	show(future.Failed[int](errors.New("bad input")).Poll(future.NewContext(nil, nil)))
	// Output: ready: 0, bad input
}

func ExampleFromResult() {
	show(future.FromResult(5, nil).Poll(future.NewContext(nil, nil)))
	// Output: ready: 5, <nil>
}

func ExampleDone() {
	show(future.Done().Poll(future.NewContext(nil, nil)))
	// Output: ready: {}, <nil>
}

func ExampleLazy() {
	f := future.Lazy(func() (int, error) {
		fmt.Println("computing")
		return 6 * 7, nil
	})
	fmt.Println("built")
	show(f.Poll(future.NewContext(nil, nil)))
	// Output:
	// built
	// computing
	// ready: 42, <nil>
}

func ExampleDefer() {
	f := future.Defer(func() future.Future[string] {
		fmt.Println("building")
		return future.Ready("built on first poll")
	})
	fmt.Println("nothing built yet")
	show(f.Poll(future.NewContext(nil, nil)))
	// Output:
	// nothing built yet
	// building
	// ready: built on first poll, <nil>
}

func ExamplePollFn() {
	tries := 0
	f := future.PollFn(func(cx *future.Context) future.Poll[int] {
		tries++
		if tries < 3 {
			cx.Waker().Wake() // ask to be polled again
			return future.Pending[int]()
		}
		return future.Ok(tries)
	})
	cx := future.NewContext(nil, nil)
	for p := f.Poll(cx); ; p = f.Poll(cx) {
		show(p)
		if p.IsReady() {
			break
		}
	}
	// Output:
	// pending
	// pending
	// ready: 3, <nil>
}

func ExampleFunc() {
	var f future.Future[string] = future.Func[string](func(*future.Context) future.Poll[string] {
		return future.Ok("from a function")
	})
	show(f.Poll(future.NewContext(nil, nil)))
	// Output: ready: from a function, <nil>
}

func ExampleFunc_Poll() {
	f := future.Func[int](func(*future.Context) future.Poll[int] { return future.Ok(1) })
	show(f.Poll(future.NewContext(nil, nil)))
	// Output: ready: 1, <nil>
}

func ExampleNever() {
	cx := future.NewContext(nil, nil)
	f := future.Never[int]()
	show(f.Poll(cx))
	show(f.Poll(cx))
	// Output:
	// pending
	// pending
}

func ExampleYield() {
	woken := 0
	cx := future.NewContext(future.WakerFunc(func() { woken++ }), nil)
	f := future.Yield()
	show(f.Poll(cx))
	fmt.Println("woken:", woken)
	show(f.Poll(cx))
	// Output:
	// pending
	// woken: 1
	// ready: {}, <nil>
}

func ExampleWaker() {
	var w future.Waker = future.WakerFunc(func() { fmt.Println("task woken") })
	w.Wake()
	// Output: task woken
}

func ExampleWakerFunc() {
	wakes := 0
	w := future.WakerFunc(func() { wakes++ })
	w.Wake()
	w.Wake()
	fmt.Println(wakes)
	// Output: 2
}

func ExampleWakerFunc_Wake() {
	future.WakerFunc(func() { fmt.Println("wake") }).Wake()
	// Output: wake
}

func ExampleNoopWaker() {
	cx := future.NewContext(future.NoopWaker, nil)
	show(future.Yield().Poll(cx)) // its wake-up goes nowhere
	// Output: pending
}

// printExecutor is an Executor that only reports what it is given.
type printExecutor struct{}

func (printExecutor) Spawn(f future.Future[struct{}]) { fmt.Printf("spawn %T\n", f) }

func ExampleExecutor() {
	cx := future.NewContext(nil, printExecutor{})
	cx.Executor().Spawn(future.Done())
	// Output: spawn future.done
}

func ExampleDefaultBudget() {
	cx := future.NewContext(nil, nil)
	n := 0
	for cx.SpendBudget() {
		n++
	}
	fmt.Println(n == future.DefaultBudget, n)
	// Output: true 128
}

func ExampleContext() {
	cx := future.NewContext(future.WakerFunc(func() { fmt.Println("woken") }), nil)
	show(future.Yield().Poll(cx)) // Yield wakes its task through cx.Waker()
	show(future.Yield().Poll(cx))
	// Output:
	// woken
	// pending
	// woken
	// pending
}

func ExampleNewContext() {
	cx := future.NewContext(nil, nil) // no waker, no driver: polling by hand
	fmt.Println(cx.Executor() == nil)
	show(future.Ready(1).Poll(cx))
	// Output:
	// true
	// ready: 1, <nil>
}

func ExampleContext_Waker() {
	cx := future.NewContext(future.WakerFunc(func() { fmt.Println("woken") }), nil)
	w := cx.Waker() // a future keeps this to arrange its wake-up
	fmt.Println("pending")
	w.Wake() // later, whatever it waited for is ready
	// Output:
	// pending
	// woken
}

func ExampleContext_Executor() {
	fmt.Println(future.NewContext(nil, nil).Executor() == nil)
	future.NewContext(nil, printExecutor{}).Executor().Spawn(future.Done())
	// Output:
	// true
	// spawn future.done
}

func ExampleContext_WithWaker() {
	parent := future.NewContext(future.WakerFunc(func() { fmt.Println("parent woken") }), nil)
	// A combinator that must know which of its two children woke polls
	// each with a context of its own.
	var woke []string
	left := parent.WithWaker(future.WakerFunc(func() { woke = append(woke, "left") }))
	right := parent.WithWaker(future.WakerFunc(func() { woke = append(woke, "right") }))
	show(future.Never[int]().Poll(left))
	show(future.Yield().Poll(right)) // wakes right's waker, not the parent's
	fmt.Println(woke)
	fmt.Println(right.Executor() == parent.Executor())
	// Output:
	// pending
	// pending
	// [right]
	// true
}

func ExampleContext_SpendBudget() {
	cx := future.NewContext(future.WakerFunc(func() { fmt.Println("woken") }), nil)
	// The loop of a combinator over an always-ready source spends one unit
	// per step; when none is left it wakes its task and answers pending.
	steps := 0
	for {
		if !cx.SpendBudget() {
			cx.Waker().Wake()
			break
		}
		steps++
	}
	fmt.Println(steps, "steps, then yield")
	// Output:
	// woken
	// 128 steps, then yield
}

func ExamplePanicError() {
	// CatchPanic, the driver and package rx all report a panic as a
	// *future.PanicError.
	f := combinators.CatchPanic(future.PollFn(func(*future.Context) future.Poll[int] {
		panic("bad state")
	}))
	_, err := f.Poll(future.NewContext(nil, nil)).Result()
	var pe *future.PanicError
	if errors.As(err, &pe) {
		fmt.Println(pe.Future, pe.Value, len(pe.Stack) > 0)
	}
	fmt.Println(err)
	// Output:
	// future.Func[int] bad state true
	// future: future.Func[int] panicked: bad state
}

func ExampleErrNoDriver() {
	// A future that needs a driver, polled by hand with no executor.
	p := driver.Spawn(future.Done()).Poll(future.NewContext(nil, nil))
	fmt.Println(errors.Is(p.Err(), future.ErrNoDriver))
	fmt.Println(p.Err())
	// Output:
	// true
	// future: polled outside a driver: run the future with driver.Run or driver.BlockOn, or spawn it on a driver.Loop
}

func ExampleFail_nil() {
	// Fail does not invent an error: with a nil one it is a success. Code
	// whose error may be nil says so with Result.
	show(future.Fail[int](nil))
	show(future.Result(0, nil))
	// Output:
	// ready: 0, <nil>
	// ready: 0, <nil>
}

// lease is a future that holds a resource until it completes or is
// abandoned.
type lease struct{ held *bool }

func (l lease) Poll(cx *future.Context) future.Poll[int] {
	cx.Waker()
	return future.Pending[int]()
}

// Abandon releases what the future holds (future.Abandoner).
func (l lease) Abandon() { *l.held = false }

func ExampleAbandoner() {
	held := true
	var f future.Future[int] = lease{&held}
	// Its owner gives it up: a select's loser, a timeout that fired...
	future.Abandon(f)
	fmt.Println("held:", held)
	// Output:
	// held: false
}

func ExampleAbandon() {
	// Abandon calls Abandon if the value implements Abandoner, and does
	// nothing otherwise.
	future.Abandon(future.Ready(1))
	future.Abandon(nil)
	fmt.Println("no-op")
	// Output:
	// no-op
}
