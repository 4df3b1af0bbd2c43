package driver_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"sync"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

func ExampleNewRuntime() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(rt.Loops()), "loops")
	fmt.Println(rt.Shutdown(context.Background()))
	// Output:
	// 2 loops
	// <nil>
}

func ExampleRuntimeConfig() {
	// Four loops, each reporting to a structured logger, with a second of
	// grace for the tasks still running when Run shuts down.
	cfg := driver.RuntimeConfig{Loops: 4, Config: driver.Config{
		Logger:          slog.New(slog.NewTextHandler(os.Stderr, nil)),
		ShutdownTimeout: 1e9,
	}}
	rt, err := driver.NewRuntime(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Shutdown(context.Background())
	fmt.Println(len(rt.Stats()), "loops")
	// Output: 4 loops
}

func ExampleRuntime() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	// Each task runs on one loop; the loops run in parallel.
	var wg sync.WaitGroup
	var mu sync.Mutex
	loops := map[*driver.Loop]bool{}
	for range 4 {
		wg.Add(1)
		rt.Spawn(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
			l, _ := driver.LoopOf(cx)
			mu.Lock()
			loops[l] = true
			mu.Unlock()
			wg.Done()
			return future.Ok(struct{}{})
		}))
	}
	wg.Wait()
	fmt.Println("tasks ran on", len(loops), "loops")
	fmt.Println(rt.Shutdown(context.Background()))
	// Output:
	// tasks ran on 2 loops
	// <nil>
}

func ExampleRuntime_Spawn() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	done := make(chan string)
	rt.Spawn(future.PollFn(func(*future.Context) future.Poll[struct{}] {
		done <- "ran on the least busy loop"
		return future.Ok(struct{}{})
	}))
	fmt.Println(<-done)
	rt.Shutdown(context.Background())
	// Output: ran on the least busy loop
}

func ExampleRuntime_Loops() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Shutdown(context.Background())
	done := make(chan int, 3)
	for i, l := range rt.Loops() { // one task on each loop, on purpose
		l.Spawn(future.PollFn(func(*future.Context) future.Poll[struct{}] {
			done <- i
			return future.Ok(struct{}{})
		}))
	}
	got := []int{<-done, <-done, <-done}
	sort.Ints(got)
	fmt.Println(got)
	// Output: [0 1 2]
}

func ExampleRuntime_Stats() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	driver.Await(rt, future.Ready(1))
	rt.Shutdown(context.Background())
	var spawned uint64
	for _, s := range rt.Stats() {
		spawned += s.Spawned
	}
	fmt.Println(spawned, "task spawned")
	// Output: 1 task spawned
}

func ExampleRuntime_Done() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	go rt.Shutdown(context.Background())
	<-rt.Done()
	fmt.Println("every loop closed")
	// Output: every loop closed
}

func ExampleRuntime_Shutdown() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2, Config: driver.Config{Logf: func(string, ...any) {}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A polite task ends when the runtime stops; a stray one is cancelled.
	rt.Spawn(driver.Stopping())
	rt.Spawn(future.Never[struct{}]())
	ctx, cancel := context.WithTimeout(context.Background(), 50e6)
	defer cancel()
	fmt.Println(rt.Shutdown(ctx))
	// Output: driver: cancelled 1 task(s) still running at shutdown: future.never[struct {}]
}

func ExampleRuntime_Run() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	err = rt.Run(future.PollFn(func(*future.Context) future.Poll[struct{}] {
		fmt.Println("serving")
		return future.Ok(struct{}{})
	}))
	fmt.Println(err)
	// Output:
	// serving
	// <nil>
}

func ExampleRuntime_RunContext() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A server runs until its context is done (a signal, with
	// signal.NotifyContext); here the context is cancelled at once.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fmt.Println(rt.RunContext(ctx, future.Never[struct{}]()))
	// Output: <nil>
}

func ExampleAwait() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Shutdown(context.Background())
	n, err := driver.Await(rt, future.Lazy(func() (int, error) { return 6 * 7, nil }))
	fmt.Println(n, err)
	// Output: 42 <nil>
}

func ExampleIter() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Shutdown(context.Background())
	for v, err := range driver.Iter(rt, stream.Of("a", "b")) {
		fmt.Println(v, err)
	}
	// Output:
	// a <nil>
	// b <nil>
}

func ExampleSpawnBalanced() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Shutdown(context.Background())
	done := make(chan struct{})
	// An acceptor-like task hands work to the least busy loop.
	rt.Spawn(driver.SpawnBalanced(future.PollFn(func(*future.Context) future.Poll[struct{}] {
		close(done)
		return future.Ok(struct{}{})
	})))
	<-done
	fmt.Println("handed over")
	// Output: handed over
}

func ExampleStopping() {
	l, err := driver.New(driver.Config{ShutdownTimeout: 1e9})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A task that would run for ever ends when the loop begins to close.
	l.Spawn(driver.Stopping())
	driver.BlockOn(l, future.Ready(0))
	fmt.Println(l.Close())
	// Output: <nil>
}

func ExampleContextDone() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	v, err := driver.Run(driver.ContextDone(ctx))
	fmt.Println(v, err)
	// Output: context canceled <nil>
}

func ExampleStats() {
	l, err := driver.New(driver.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	driver.BlockOn(l, future.Ready(0))
	l.Close()
	s := l.Stats()
	fmt.Println(s.Spawned, "spawned,", s.Polls, "poll,", s.Tasks, "live")
	// Output: 1 spawned, 1 poll, 0 live
}

func ExampleStats_String() {
	fmt.Println(driver.Stats{Tasks: 2, Polls: 10})
	// Output: tasks=2 spawned=0 polls=10 injected=0 kicks=0 waits=0 events=0 fds=0 timers=0 armed=0 fired=0 blocking=0/0 queued=0
}

func ExampleLoop_Stats() {
	l, err := driver.New(driver.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	driver.BlockOn(l, driver.Sleep(1e6))
	l.Close()
	s := l.Stats()
	fmt.Println(s.TimersArmed, "timer armed,", s.TimersFired, "fired")
	// Output: 1 timer armed, 1 fired
}
