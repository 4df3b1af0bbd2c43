package combinators_test

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// poll polls f once by hand, as a driver would, and prints the answer.
func poll[T any](f future.Future[T]) {
	p := f.Poll(future.NewContext(future.NoopWaker, nil))
	switch {
	case p.IsPending():
		fmt.Println("pending")
	case p.Err() != nil:
		fmt.Println("error:", p.Err())
	default:
		fmt.Println("ready:", p.Value())
	}
}

func ExampleMap() {
	length := combinators.Map(future.Ready("hello"), func(s string) int { return len(s) })
	poll(length)
	poll(length) // a future completes once
	// Output:
	// ready: 5
	// error: future: polled after completion
}

func ExampleMapErr() {
	f := combinators.MapErr(future.Failed[int](errors.New("refused")), func(err error) error {
		return fmt.Errorf("dial: %w", err)
	})
	poll(f)
	// Output:
	// error: dial: refused
}

func ExampleAndThen() {
	parse := func(s string) future.Future[int] {
		return future.FromResult(strconv.Atoi(s))
	}
	poll(combinators.AndThen(future.Ready("42"), parse))
	poll(combinators.AndThen(future.Ready("forty-two"), parse))
	// Output:
	// ready: 42
	// error: strconv.Atoi: parsing "forty-two": invalid syntax
}

func ExampleOrElse() {
	fallback := combinators.OrElse(future.Failed[string](errors.New("no cache")), func(error) future.Future[string] {
		return future.Ready("from origin")
	})
	poll(fallback)
	// Output:
	// ready: from origin
}

func ExampleThen() {
	copied := future.Ready[int64](11)
	handle := combinators.Then(copied, func(n int64, err error) {
		if err != nil {
			fmt.Println("I/O error", err)
			return
		}
		fmt.Println("wrote", n, "bytes")
	})
	fmt.Println("nothing has happened yet")
	poll(handle)
	// Output:
	// nothing has happened yet
	// wrote 11 bytes
	// ready: {}
}

func ExampleHandle() {
	retry := func(v int, err error) future.Future[int] {
		if err != nil {
			return future.Ready(-1)
		}
		return future.Ready(v)
	}
	poll(combinators.Handle(future.Failed[int](errors.New("timeout")), retry))
	// Output:
	// ready: -1
}

func ExampleMapStream() {
	squares := combinators.MapStream(stream.Of(1, 2, 3), func(n int) int { return n * n })
	poll(combinators.Collect(squares))
	// Output:
	// ready: [1 4 9]
}

func ExampleMapErrStream() {
	accepts := stream.OnceErr[int](errors.New("too many open files"))
	logged := combinators.MapErrStream(accepts, func(err error) error {
		fmt.Println("accept failed:", err)
		return err
	})
	poll(combinators.Collect(logged))
	// Output:
	// accept failed: too many open files
	// error: too many open files
}

func ExampleFilter() {
	even := combinators.Filter(stream.Of(1, 2, 3, 4, 5, 6), func(n int) bool { return n%2 == 0 })
	poll(combinators.Collect(even))
	// Output:
	// ready: [2 4 6]
}

func ExampleForEach() {
	lines := stream.Of("GET /", "GET /favicon.ico")
	server := combinators.ForEach(lines, func(line string) future.Future[struct{}] {
		return future.Lazy(func() (struct{}, error) {
			fmt.Println("handling", line)
			return struct{}{}, nil
		})
	})
	poll(server)
	// Output:
	// handling GET /
	// handling GET /favicon.ico
	// ready: {}
}

func ExampleFold() {
	sum := combinators.Fold(stream.Of(1, 2, 3, 4), 0, func(acc, n int) future.Future[int] {
		return future.Ready(acc + n)
	})
	poll(sum)
	// Output:
	// ready: 10
}

func ExampleCollect() {
	poll(combinators.Collect(stream.Of("a", "b", "c")))
	// Output:
	// ready: [a b c]
}

func ExampleInspect() {
	f := combinators.Inspect(future.Ready(3), func(n int) { fmt.Println("got", n) })
	poll(f)
	// Output:
	// got 3
	// ready: 3
}

func ExampleInspectStream() {
	s := combinators.InspectStream(stream.Of("a", "b"), func(v string) { fmt.Println("saw", v) })
	poll(combinators.Collect(s))
	// Output:
	// saw a
	// saw b
	// ready: [a b]
}

func ExampleFlatten() {
	connect := future.Ready(future.Ready("connected"))
	poll(combinators.Flatten(connect))
	// Output:
	// ready: connected
}

func ExampleFlattenIntoStream() {
	subscribe := future.Ready(stream.Of(1, 2, 3))
	poll(combinators.Collect(combinators.FlattenIntoStream(subscribe)))
	// Output:
	// ready: [1 2 3]
}

func ExampleIntoStream() {
	poll(combinators.Collect(combinators.IntoStream(future.Ready("only"))))
	// Output:
	// ready: [only]
}

func ExampleFuse() {
	f := combinators.Fuse(future.Ready(1))
	poll(f)
	poll(f) // pending from now on, not an error
	fmt.Println("done:", f.Done())
	// Output:
	// ready: 1
	// pending
	// done: true
}

func ExampleJoin() {
	both := combinators.Join(future.Ready("alice"), future.Ready(42))
	poll(both)
	// Output:
	// ready: {alice 42}
}

func ExampleJoin3() {
	poll(combinators.Join3(future.Ready(1), future.Ready("two"), future.Ready(3.0)))
	// Output:
	// ready: {1 two 3}
}

func ExampleJoinAll() {
	fs := []future.Future[int]{future.Ready(1), future.Ready(2), future.Ready(3)}
	poll(combinators.JoinAll(fs))
	// Output:
	// ready: [1 2 3]
}

func ExampleSelect() {
	sel := combinators.Select(future.Never[string](), future.Ready("fast"))
	p := sel.Poll(future.NewContext(future.NoopWaker, nil))
	s := p.Value()
	fmt.Println(s.Index, s.Value, s.Other != nil)
	// Output:
	// 1 fast true
}

func ExampleSelectAll() {
	fs := []future.Future[int]{future.Never[int](), future.Ready(2), future.Ready(3)}
	p := combinators.SelectAll(fs).Poll(future.NewContext(future.NoopWaker, nil))
	s := p.Value()
	fmt.Println(s.Index, s.Value, len(s.Rest))
	// Output:
	// 1 2 2
}

func ExampleSelectOk() {
	replicas := []future.Future[string]{
		future.Failed[string](errors.New("replica 0 down")),
		future.Ready("answer from replica 1"),
	}
	p := combinators.SelectOk(replicas).Poll(future.NewContext(future.NoopWaker, nil))
	fmt.Println(p.Value().Index, p.Value().Value)
	// Output:
	// 1 answer from replica 1
}

func ExampleSelectEither() {
	shutdown := future.Ready("shutdown")
	work := future.Never[int]()
	p := combinators.SelectEither(work, shutdown).Poll(future.NewContext(future.NoopWaker, nil))
	if e := p.Value(); e.IsRight {
		fmt.Println("stopped by", e.Right)
	}
	// Output:
	// stopped by shutdown
}

func ExampleLoop() {
	// Double a number until it passes 100, one asynchronous step at a time.
	grow := combinators.Loop(1, func(n int) (future.Future[int], bool) {
		if n > 100 {
			return nil, false
		}
		return future.Ready(2 * n), true
	})
	poll(grow)
	// Output:
	// ready: 128
}

func ExampleLoop_value() {
	// A countdown whose value is not its state: Map turns the final state
	// into the loop's result.
	countdown := combinators.Loop(3, func(n int) (future.Future[int], bool) {
		fmt.Println(n)
		if n == 0 {
			return nil, false
		}
		return future.Ready(n - 1), true
	})
	poll(combinators.Map(countdown, func(int) string { return "liftoff" }))
	// Output:
	// 3
	// 2
	// 1
	// 0
	// ready: liftoff
}

func ExampleShare() {
	config := combinators.Share(future.Lazy(func() (string, error) {
		fmt.Println("loading config")
		return "port=6142", nil
	}))
	poll(config.Clone())
	poll(config.Clone()) // the result is shared, not loaded again
	// Output:
	// loading config
	// ready: port=6142
	// ready: port=6142
}

func ExampleShared_Clone() {
	s := combinators.Share(future.Ready(7))
	a, b := s.Clone(), s.Clone()
	poll(a)
	poll(b)
	// Output:
	// ready: 7
	// ready: 7
}

func ExampleCatchPanic() {
	buggy := future.PollFn(func(*future.Context) future.Poll[int] {
		var index []int
		return future.Ok(index[3]) // panics: index out of range
	})
	p := combinators.CatchPanic(buggy).Poll(future.NewContext(future.NoopWaker, nil))
	var pe *combinators.PanicError
	fmt.Println(errors.As(p.Err(), &pe), pe.Value)
	// Output:
	// true runtime error: index out of range [3] with length 0
}

func ExampleDiscard() {
	// ForEach wants a future[struct{}] per item; Discard drops the int.
	written := 0
	write := func(msg string) future.Future[int] {
		written += len(msg)
		return future.Ready(len(msg))
	}
	all := combinators.ForEach(stream.Of("hello", "world"), func(msg string) future.Future[struct{}] {
		return combinators.Discard(write(msg))
	})
	poll(all)
	fmt.Println("bytes written:", written)
	// Output:
	// ready: {}
	// bytes written: 10
}

func ExampleDropErrors() {
	quotients := combinators.AndThenStream(stream.Of(4, 0, 5), func(n int) future.Future[int] {
		if n == 0 {
			return future.Failed[int](errors.New("division by zero"))
		}
		return future.Ready(100 / n)
	})
	// InspectErr logs each item error; DropErrors then drops it, so Collect
	// goes on past it instead of ending with it.
	logged := combinators.InspectErr(quotients, func(err error) { fmt.Println("dropped:", err) })
	poll(combinators.Collect(combinators.DropErrors(logged)))
	// Output:
	// dropped: division by zero
	// ready: [25 20]
}
