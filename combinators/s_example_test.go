package combinators_test

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

func ExampleFilterMap() {
	numbers := combinators.FilterMap(stream.Of("1", "x", "3"), func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil
	})
	poll(combinators.Collect(numbers))
	// Output:
	// ready: [1 3]
}

func ExampleHandleStream() {
	accepts := combinators.Chain(stream.Of("conn 1"), stream.OnceErr[string](errors.New("EMFILE")))
	logged := combinators.HandleStream(accepts, func(conn string, err error) future.Future[string] {
		if err != nil {
			return future.Ready("logged " + err.Error())
		}
		return future.Ready("served " + conn)
	})
	poll(combinators.Collect(logged))
	// Output:
	// ready: [served conn 1 logged EMFILE]
}

func ExampleAndThenStream() {
	parse := func(s string) future.Future[int] { return future.FromResult(strconv.Atoi(s)) }
	parsed := combinators.AndThenStream(stream.Of("1", "2"), parse)
	poll(combinators.Collect(parsed))
	// Output:
	// ready: [1 2]
}

func ExampleOrElseStream() {
	s := combinators.Chain(stream.Of(1), stream.OnceErr[int](errors.New("lost")))
	recovered := combinators.OrElseStream(s, func(error) future.Future[int] { return future.Ready(0) })
	poll(combinators.Collect(recovered))
	// Output:
	// ready: [1 0]
}

func ExampleForEachConcurrent() {
	total := 0
	f := combinators.ForEachConcurrent(stream.Of(1, 2, 3), 2, func(n int) future.Future[struct{}] {
		return future.Lazy(func() (struct{}, error) { total += n; return struct{}{}, nil })
	})
	poll(f)
	fmt.Println("total:", total)
	// Output:
	// ready: {}
	// total: 6
}

func ExampleConcat() {
	poll(combinators.Concat(stream.Of([]byte("hel"), []byte("lo"))))
	// Output:
	// ready: [104 101 108 108 111]
}

func ExampleFlattenStream() {
	poll(combinators.Collect(combinators.FlattenStream(stream.Of(stream.Of(1, 2), stream.Of(3)))))
	// Output:
	// ready: [1 2 3]
}

func ExampleTake() {
	poll(combinators.Collect(combinators.Take(stream.Of(1, 2, 3), 2)))
	// Output:
	// ready: [1 2]
}

func ExampleSkip() {
	poll(combinators.Collect(combinators.Skip(stream.Of(1, 2, 3), 2)))
	// Output:
	// ready: [3]
}

func ExampleTakeWhile() {
	small := combinators.TakeWhile(stream.Of(1, 2, 7, 1), func(n int) bool { return n < 5 })
	poll(combinators.Collect(small))
	// Output:
	// ready: [1 2]
}

func ExampleSkipWhile() {
	rest := combinators.SkipWhile(stream.Of(1, 2, 7, 1), func(n int) bool { return n < 5 })
	poll(combinators.Collect(rest))
	// Output:
	// ready: [7 1]
}

func ExampleChain() {
	poll(combinators.Collect(combinators.Chain(stream.Of("a"), stream.Of("b", "c"))))
	// Output:
	// ready: [a b c]
}

func ExampleZip() {
	poll(combinators.Collect(combinators.Zip(stream.Of("a", "b", "c"), stream.Of(1, 2))))
	// Output:
	// ready: [{a 1} {b 2}]
}

func ExampleMerge() {
	poll(combinators.Collect(combinators.Merge(stream.Of(1, 2), stream.Of(10), stream.Of(100, 200))))
	// Output:
	// ready: [1 10 100 2 200]
}

func ExampleBuffered() {
	fetches := combinators.MapStream(stream.Of("a", "b", "c"), func(s string) future.Future[string] {
		return future.Ready(s + s)
	})
	poll(combinators.Collect(combinators.Buffered(fetches, 2)))
	// Output:
	// ready: [aa bb cc]
}

func ExampleBufferUnordered() {
	fetches := combinators.MapStream(stream.Of(1, 2, 3), func(n int) future.Future[int] {
		return future.Ready(n * n)
	})
	poll(combinators.Fold(combinators.BufferUnordered(fetches, 8), 0, func(acc, n int) future.Future[int] {
		return future.Ready(acc + n)
	}))
	// Output:
	// ready: 14
}

func ExampleChunks() {
	poll(combinators.Collect(combinators.Chunks(stream.Of(1, 2, 3, 4, 5), 2)))
	// Output:
	// ready: [[1 2] [3 4] [5]]
}

func ExamplePeekable() {
	p := combinators.Peekable(stream.Of("header", "body"))
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println("peek:", p.Peek(cx).Value())
	fmt.Println("next:", p.PollNext(cx).Value())
	fmt.Println("next:", p.PollNext(cx).Value())
	fmt.Println("end:", p.Peek(cx).IsEnd())
	// Output:
	// peek: header
	// next: header
	// next: body
	// end: true
}

func ExampleFuseStream() {
	f := combinators.FuseStream(stream.Of(1))
	cx := future.NewContext(future.NoopWaker, nil)
	fmt.Println(f.PollNext(cx).Value(), f.PollNext(cx).IsEnd(), f.PollNext(cx).IsEnd(), f.Done())
	// Output:
	// 1 true true true
}

func ExampleInspectErr() {
	accepts := combinators.Chain(stream.OnceErr[int](errors.New("EMFILE")), stream.Of(3))
	logged := combinators.InspectErr(accepts, func(err error) { fmt.Println("accept failed:", err) })
	kept := combinators.FilterMap(combinators.OrElseStream(logged, func(error) future.Future[int] {
		return future.Ready(-1)
	}), func(fd int) (int, bool) { return fd, fd >= 0 })
	poll(combinators.Collect(kept))
	// Output:
	// accept failed: EMFILE
	// ready: [3]
}

func ExampleEnumerate() {
	poll(combinators.Collect(combinators.Enumerate(stream.Of("a", "b"))))
	// Output:
	// ready: [{0 a} {1 b}]
}

func ExampleIntoFuture() {
	f := combinators.IntoFuture(stream.Of("HELLO", "x", "y"))
	head, _ := f.Poll(future.NewContext(future.NoopWaker, nil)).Result()
	fmt.Println("greeting:", head.Item.Value())
	poll(combinators.Collect(head.Rest))
	// Output:
	// greeting: HELLO
	// ready: [x y]
}

func ExampleForward() {
	sink := combinators.NewSliceSink[int]()
	poll(combinators.Forward(stream.Of(1, 2, 3), stream.Sink[int](sink)))
	fmt.Println(sink.Items(), "closed:", sink.Closed())
	// Output:
	// ready: {}
	// [1 2 3] closed: true
}

func ExampleRepeat() {
	poll(combinators.Collect(combinators.Take(combinators.Repeat("ping"), 3)))
	// Output:
	// ready: [ping ping ping]
}

func ExampleUnfoldAsync() {
	// Fetch pages 1 to 3, one future per page.
	pages := combinators.UnfoldAsync(1, func(page int) (future.Future[combinators.Pair[string, int]], bool) {
		if page > 3 {
			return nil, false
		}
		return future.Ready(combinators.Pair[string, int]{First: fmt.Sprintf("page %d", page), Second: page + 1}), true
	})
	poll(combinators.Collect(pages))
	// Output:
	// ready: [page 1 page 2 page 3]
}
