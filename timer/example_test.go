package timer_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/timer"
)

func ExampleSleep() {
	start := time.Now()
	_, err := driver.Run(timer.Sleep(10 * time.Millisecond))
	fmt.Println(err, time.Since(start) >= 10*time.Millisecond)
	// Output:
	// <nil> true
}

func ExampleSleepUntil() {
	at := time.Now().Add(10 * time.Millisecond)
	driver.Run(timer.SleepUntil(at))
	fmt.Println(!time.Now().Before(at))
	// Output:
	// true
}

// A Delay is reset to time an idle period again; resetting allocates
// nothing, and a Delay may be a field of a larger struct.
func ExampleDelay_Reset() {
	var idle timer.Delay // the zero Delay: ready on its first poll
	idle.Reset(5 * time.Millisecond)
	start := time.Now()
	driver.Run(&idle)
	fmt.Println(time.Since(start) >= 5*time.Millisecond)
	// Output:
	// true
}

func ExampleDelay_ResetAt() {
	d := timer.Sleep(time.Hour)
	at := time.Now().Add(5 * time.Millisecond)
	d.ResetAt(at)
	driver.Run(d)
	fmt.Println(!time.Now().Before(at))
	// Output:
	// true
}

func ExampleDelay_Deadline() {
	d := timer.Sleep(time.Second)
	_, ok := d.Deadline() // not set before the first poll
	at := time.Now().Add(time.Minute)
	d.ResetAt(at)
	dl, ok2 := d.Deadline()
	fmt.Println(ok, ok2, dl.Equal(at))
	// Output:
	// false true true
}

// Abandoning a Delay takes it out of its loop's timers at once; a
// combinator that gives it up does this for you.
func ExampleDelay_Abandon() {
	d := timer.Sleep(time.Hour)
	v, err := driver.Run(future.PollFn(func(cx *future.Context) future.Poll[string] {
		d.Poll(cx) // armed
		d.Abandon()
		return future.Ok("abandoned")
	}))
	fmt.Println(v, err)
	// Output:
	// abandoned <nil>
}

func ExampleTimeout() {
	_, err := driver.Run(timer.Timeout(future.Never[int](), 10*time.Millisecond))
	fmt.Println(errors.Is(err, timer.ErrTimeout))
	fmt.Println(err)
	// Output:
	// true
	// timer: future.never[int] timed out after 10ms
}

func ExampleDeadline() {
	v, err := driver.Run(timer.Deadline(future.Ready("in time"), time.Now().Add(time.Second)))
	fmt.Println(v, err)
	// Output:
	// in time <nil>
}

func ExampleTimeoutError() {
	_, err := driver.Run(timer.Timeout(timer.Sleep(time.Hour), time.Millisecond))
	var te *timer.TimeoutError
	if errors.As(err, &te) {
		fmt.Println(te.What, te.After, te.Timeout())
	}
	// Output:
	// *timer.Delay 1ms true
}

func ExampleTimeoutStream() {
	// A stream that never yields, under a 5ms idle limit: the first item is
	// a timeout error, and ForEach stops at it.
	silent := combinators.IntoStream(future.Never[int]())
	idle := timer.TimeoutStream(silent, 5*time.Millisecond)
	_, err := driver.Run(combinators.ForEach(idle, func(int) future.Future[struct{}] { return future.Done() }))
	fmt.Println(errors.Is(err, timer.ErrTimeout))
	fmt.Println(err)
	// Output:
	// true
	// timer: next item of *combinators.intoStream[int] timed out after 5ms
}

func ExampleNewInterval() {
	ticks, _ := driver.Run(combinators.Collect(combinators.Take(timer.NewInterval(2*time.Millisecond), 3)))
	fmt.Println(len(ticks), ticks[1].Sub(ticks[0]), ticks[2].Sub(ticks[1]))
	// Output:
	// 3 2ms 2ms
}

func ExampleNewIntervalAt() {
	start := time.Now().Add(5 * time.Millisecond)
	ticks, _ := driver.Run(combinators.Collect(combinators.Take(timer.NewIntervalAt(start, time.Millisecond), 2)))
	fmt.Println(ticks[0].Equal(start), ticks[1].Sub(start))
	// Output:
	// true 1ms
}

func ExampleInterval_SetMissedTickBehavior() {
	iv := timer.NewInterval(time.Second)
	iv.SetMissedTickBehavior(timer.MissedTickSkip)
	fmt.Println(iv.MissedTickBehavior(), iv.Period())
	// Output:
	// skip 1s
}

func ExampleInterval_Reset() {
	iv := timer.NewInterval(3 * time.Millisecond)
	start := time.Now()
	iv.Reset() // the next tick comes one period from now
	ticks, _ := driver.Run(combinators.Collect(combinators.Take(iv, 1)))
	fmt.Println(!ticks[0].Before(start.Add(3 * time.Millisecond)))
	// Output:
	// true
}

func ExampleMissedTickBehavior() {
	for _, b := range []timer.MissedTickBehavior{timer.MissedTickBurst, timer.MissedTickDelay, timer.MissedTickSkip} {
		fmt.Println(b)
	}
	// Output:
	// burst
	// delay
	// skip
}

// A copy whose reader falls silent ends with the idle timeout: the idle
// timeout of a connection, reset on every read.
func ExampleIdleReader() {
	a, b, err := socket.UnixPair()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Close()
	defer b.Close()
	out := &sliceWriter{} // an AsyncWriter that appends to a slice
	pipeline := combinators.AndThen(aio.WriteAll(b, []byte("hello")), func(int) future.Future[int64] {
		return iocopy.Copy(timer.IdleReader(a, 10*time.Millisecond), out)
	})
	n, err := driver.Run(pipeline)
	fmt.Println(n, string(out.b), errors.Is(err, timer.ErrTimeout))
	fmt.Println(err)
	// Output:
	// 5 hello true
	// timer: read timed out after 10ms
}
