package driver_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
)

// sayAfter is a small future: it sleeps d, then prints msg.
func sayAfter(d time.Duration, msg string) future.Future[struct{}] {
	return &then{f: driver.Sleep(d), fn: func() { fmt.Println(msg) }}
}

func ExampleRun() {
	pipeline := future.Lazy(func() (int, error) { return 6 * 7, nil })
	// Nothing has happened yet: Run drives the pipeline on a new loop.
	n, err := driver.Run(pipeline)
	fmt.Println(n, err)
	// Output: 42 <nil>
}

func ExampleBlockOn() {
	l, err := driver.New(driver.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	for i := range 2 { // a loop can be driven again and again
		v, err := driver.BlockOn(l, future.Ready(i))
		fmt.Println(v, err)
	}
	// Output:
	// 0 <nil>
	// 1 <nil>
}

func ExampleSpawn() {
	done := &latch{}
	main := seqOf(
		driver.Spawn(seqOf(sayAfter(10*time.Millisecond, "spawned task done"), &then{f: future.Done(), fn: done.Set})),
		&then{f: future.Done(), fn: func() { fmt.Println("Spawn does not wait") }},
		done,
	)
	driver.Run(main)
	// Output:
	// Spawn does not wait
	// spawned task done
}

func ExampleSleep() {
	start := time.Now()
	driver.Run(driver.Sleep(20 * time.Millisecond))
	fmt.Println(time.Since(start) >= 20*time.Millisecond)
	// Output: true
}

func ExampleLoop_Spawn() {
	l, err := driver.New(driver.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	done := &latch{}
	go l.Spawn(&then{f: future.Done(), fn: func() { // from any goroutine
		fmt.Println("task ran on the loop")
		done.Set()
	}})
	_, err = driver.BlockOn(l, done)
	fmt.Println(err)
	// Output:
	// task ran on the loop
	// <nil>
}

func ExampleLoop_Stop() {
	l, err := driver.New(driver.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer l.Close()
	time.AfterFunc(10*time.Millisecond, l.Stop) // from another goroutine
	_, err = driver.BlockOn(l, future.Never[int]())
	fmt.Println(err, errors.Is(err, driver.ErrStopped))
	// Output: driver: loop stopped true
}

func ExampleLoop_Close() {
	l, err := driver.New(driver.Config{ShutdownTimeout: 100 * time.Millisecond, Logf: func(string, ...any) {}})
	if err != nil {
		fmt.Println(err)
		return
	}
	driver.BlockOn(l, seqOf(
		driver.Spawn(sayAfter(5*time.Millisecond, "finished within the shutdown timeout")),
		driver.Spawn(parked{}),
	))
	err = l.Close()
	var se *driver.ShutdownError
	if errors.As(err, &se) {
		fmt.Println("cancelled:", se.Cancelled)
	}
	// Output:
	// finished within the shutdown timeout
	// cancelled: [driver_test.parked]
}

func ExampleNew() {
	l, err := driver.New(driver.Config{DetectStalls: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := driver.BlockOn(l, future.Ready("driven"))
	fmt.Println(v, err, l.Close())
	// Output: driven <nil> <nil>
}

func ExampleLoopOf() {
	f := future.PollFn(func(cx *future.Context) future.Poll[bool] {
		l, err := driver.LoopOf(cx)
		return future.Result(l != nil, err)
	})
	fmt.Println(driver.Run(f))
	// Output: true <nil>
}

func ExampleConfig() {
	_, err := driver.RunWith(driver.Config{
		DetectStalls: true,
		Logf:         func(string, ...any) {},
	}, &stuck{})
	var se *driver.StallError
	fmt.Println(errors.As(err, &se), se.Task)
	// Output: true *driver_test.stuck
}

func ExampleStallError() {
	_, err := driver.RunWith(driver.Config{DetectStalls: true, Logf: func(string, ...any) {}}, &stuck{})
	fmt.Println(err)
	// Output: driver: task *driver_test.stuck answered pending without arranging a wake-up (no future took cx.Waker()); it would hang forever
}

func ExampleStallError_child() {
	// A child of a task set that answers pending without taking its own
	// waker: the set would never poll it again.
	set := combinators.NewFuturesUnordered[struct{}]()
	set.Push(future.Yield())
	set.Push(&lostChild{})
	l, _ := driver.New(driver.Config{DetectStalls: true, Logf: func(string, ...any) {}})
	defer l.Close()
	_, err := driver.BlockOn(l, combinators.Collect(set))
	var se *driver.StallError
	if errors.As(err, &se) {
		fmt.Println(se.Task != "", se.Child)
	}
	// Output: true *driver_test.lostChild
}

func ExampleRun_panic() {
	_, err := driver.Run(panicker{value: "bad state"})
	var pe *future.PanicError
	if errors.As(err, &pe) {
		fmt.Println(pe.Future, pe.Value)
	}
	// Output: driver_test.panicker bad state
}

func ExampleShutdownError() {
	l, _ := driver.New(driver.Config{Logf: func(string, ...any) {}})
	driver.BlockOn(l, driver.Spawn(parked{}))
	fmt.Println(l.Close())
	// Output: driver: cancelled 1 task(s) still running at shutdown: driver_test.parked
}

func ExampleSpawn_noDriver() {
	p := driver.Spawn(future.Done()).Poll(future.NewContext(nil, nil)) // polled by hand, no driver
	fmt.Println(errors.Is(p.Err(), future.ErrNoDriver))
	// Output: true
}

func ExampleErrLoopClosed() {
	l, _ := driver.New(driver.Config{})
	l.Close()
	_, err := driver.BlockOn(l, future.Ready(1))
	fmt.Println(err)
	// Output: driver: loop closed
}

func ExampleErrRunning() {
	l, _ := driver.New(driver.Config{})
	defer l.Close()
	v, _ := driver.BlockOn(l, future.Lazy(func() (error, error) {
		_, err := driver.BlockOn(l, future.Ready(1)) // the loop is busy driving us
		return err, nil
	}))
	fmt.Println(v)
	// Output: driver: loop already running
}
