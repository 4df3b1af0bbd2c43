package driver_test

import (
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
)

func ExampleSpawnBlocking() {
	// os.Hostname may block (it reads a file); on the pool it does not
	// hold up the loop.
	lookup := driver.SpawnBlocking(func() (bool, error) {
		name, err := os.Hostname()
		return name != "", err
	})
	ok, err := driver.Run(lookup)
	fmt.Println(ok, err)
	// Output: true <nil>
}

func ExampleBlockingStats() {
	loop, err := driver.New(driver.Config{BlockingThreads: 2, BlockingQueue: 8})
	if err != nil {
		log.Fatal(err)
	}
	defer loop.Close()
	jobs := make([]future.Future[int], 4)
	for i := range jobs {
		jobs[i] = driver.SpawnBlocking(func() (int, error) { return i * i, nil })
	}
	squares, err := driver.BlockOn(loop, combinators.JoinAll(jobs))
	fmt.Println(squares, err)
	s := loop.BlockingStats()
	fmt.Println(s.Threads <= 2, s.Queued, s.Waiting)
	// Output:
	// [0 1 4 9] <nil>
	// true 0 0
}

func ExampleLoop_BlockingStats() {
	loop, err := driver.New(driver.Config{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", loop.BlockingStats()) // nothing started yet: the pool is lazy
	loop.Close()
	fmt.Printf("%+v\n", loop.BlockingStats())
	// Output:
	// {Threads:0 Running:0 Queued:0 Waiting:0 Completed:0}
	// {Threads:0 Running:0 Queued:0 Waiting:0 Completed:0}
}

func ExampleErrBlockingPoolClosed() {
	loop, err := driver.New(driver.Config{})
	if err != nil {
		log.Fatal(err)
	}
	loop.Close()
	// Polled on behalf of a loop that is closed (here by hand), the future
	// finds the pool shut.
	p := driver.SpawnBlocking(func() (int, error) { return 1, nil }).Poll(future.NewContext(nil, loop))
	fmt.Println(errors.Is(p.Err(), driver.ErrBlockingPoolClosed))
	// Output: true
}

func ExampleDefaultBlockingThreads() {
	fmt.Println(driver.DefaultBlockingThreads, driver.DefaultBlockingQueue)
	// Output: 16 256
}
