package semaphore_test

import (
	"fmt"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/semaphore"
)

func ExampleNew() {
	s := semaphore.New(2)
	fmt.Println(s.Available())
	// Output:
	// 2
}

func ExampleSemaphore() {
	// At most two jobs hold a permit at once.
	s := semaphore.New(2)
	held := []*semaphore.Permit{}
	for i := range 3 {
		if p, ok := s.TryAcquire(1); ok {
			held = append(held, p)
			fmt.Println("job", i, "runs")
		} else {
			fmt.Println("job", i, "must wait")
		}
	}
	for _, p := range held {
		p.Release()
	}
	// Output:
	// job 0 runs
	// job 1 runs
	// job 2 must wait
}

func ExampleSemaphore_Acquire() {
	s := semaphore.New(1)
	held, _ := s.TryAcquire(1)
	go held.Release() // released elsewhere: the waiting task is woken
	p, err := driver.Run(s.Acquire(1))
	fmt.Println(p.Count(), err)
	p.Release()
	// Output:
	// 1 <nil>
}

func ExampleSemaphore_TryAcquire() {
	s := semaphore.New(3)
	p, ok := s.TryAcquire(2)
	fmt.Println(ok, s.Available())
	_, ok = s.TryAcquire(2)
	fmt.Println(ok)
	p.Release()
	// Output:
	// true 1
	// false
}

func ExampleSemaphore_Available() {
	s := semaphore.New(4)
	p, _ := s.TryAcquire(3)
	fmt.Println(s.Available())
	p.Release()
	fmt.Println(s.Available())
	// Output:
	// 1
	// 4
}

func ExampleAcquireFuture() {
	s := semaphore.New(3)
	held, _ := s.TryAcquire(2)
	cx := future.NewContext(future.NoopWaker, nil)
	big, small := s.Acquire(2), s.Acquire(1)
	fmt.Println(big.Poll(cx).IsPending())
	// A permit is free, but the larger request waits ahead: no barging.
	fmt.Println(small.Poll(cx).IsPending())
	held.Release()
	pb, ps := big.Poll(cx).Value(), small.Poll(cx).Value()
	fmt.Println(pb.Count(), ps.Count())
	pb.Release()
	ps.Release()
	// Output:
	// true
	// true
	// 2 1
}

func ExampleAcquireFuture_Poll() {
	s := semaphore.New(1)
	cx := future.NewContext(future.NoopWaker, nil)
	a := s.Acquire(1)
	p := a.Poll(cx)
	fmt.Println(p.Value().Count(), p.Err())
	fmt.Println(a.Poll(cx).Err())
	p.Value().Release()
	// Output:
	// 1 <nil>
	// future: polled after completion
}

func ExampleAcquireFuture_Cancel() {
	s := semaphore.New(1)
	held, _ := s.TryAcquire(1)
	cx := future.NewContext(future.NoopWaker, nil)
	a := s.Acquire(1)
	a.Poll(cx)     // waiting
	held.Release() // granted to a...
	a.Cancel()     // ...which gives up: the permit comes back
	fmt.Println(s.Available())
	fmt.Println(a.Poll(cx).Err())
	// Output:
	// 1
	// semaphore: acquire canceled
}

func ExamplePermit() {
	s := semaphore.New(2)
	p, _ := s.TryAcquire(2)
	defer p.Release() // permits come back only when released
	fmt.Println(p.Count(), s.Available())
	// Output:
	// 2 0
}

func ExamplePermit_Release() {
	s := semaphore.New(1)
	p, _ := s.TryAcquire(1)
	p.Release()
	p.Release() // idempotent
	fmt.Println(s.Available())
	// Output:
	// 1
}

func ExamplePermit_Count() {
	p, _ := semaphore.New(5).TryAcquire(3)
	fmt.Println(p.Count())
	p.Release()
	// Output:
	// 3
}

// An acquire that is given up leaves the queue: combinators do this for the
// futures they give up; code that polls an acquire by hand calls Abandon.
func ExampleAcquireFuture_Abandon() {
	sem := semaphore.New(1)
	held, _ := sem.TryAcquire(1)
	a := sem.Acquire(1)
	a.Poll(future.NewContext(future.NoopWaker, nil)) // queued
	a.Abandon()                                      // leaves the queue
	held.Release()
	fmt.Println(sem.Available())
	// Output:
	// 1
}
