package combinators_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

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
	copied := future.Ready(int64(11))
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
	fmt.Println(s.Index, s.Value)
	// Output:
	// 1 fast
}

func ExampleSelectAll() {
	fs := []future.Future[int]{future.Never[int](), future.Ready(2), future.Ready(3)}
	p := combinators.SelectAll(fs).Poll(future.NewContext(future.NoopWaker, nil))
	s := p.Value()
	fmt.Println(s.Index, s.Value)
	// Output:
	// 1 2
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
	var pe *future.PanicError
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
	poll(combinators.Forward(stream.Of(1, 2, 3), sink))
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

func ExampleSinkSend() {
	sink := combinators.NewSliceSink[string]()
	send := combinators.SinkSend(sink, "hello")
	fmt.Println("sent before poll:", len(sink.Items()))
	poll(send)
	fmt.Println(sink.Items())
	// Output:
	// sent before poll: 0
	// ready: {}
	// [hello]
}

func ExampleSinkSendAll() {
	sink := combinators.NewSliceSink[int]()
	poll(combinators.SinkSendAll(sink, stream.Of(1, 2)))
	fmt.Println(sink.Items(), sink.Closed())
	// Output:
	// ready: {}
	// [1 2] true
}

func ExampleSinkFlush() {
	sink := combinators.SinkBuffer(combinators.NewSliceSink[int](), 4)
	poll(combinators.SinkFlush(sink))
	// Output:
	// ready: {}
}

func ExampleSinkClose() {
	inner := combinators.NewSliceSink[int]()
	buf := combinators.SinkBuffer(inner, 4)
	buf.StartSend(1) // a SinkBuffer with room is ready
	poll(combinators.SinkClose(buf))
	fmt.Println(inner.Items(), inner.Closed())
	// Output:
	// ready: {}
	// [1] true
}

func ExampleSinkWith() {
	lines := combinators.NewSliceSink[string]()
	upper := combinators.SinkWith(lines, func(s string) (string, error) {
		return strings.ToUpper(s) + "\n", nil
	})
	poll(combinators.SinkSendAll(upper, stream.Of("a", "b")))
	fmt.Printf("%q\n", lines.Items())
	// Output:
	// ready: {}
	// ["A\n" "B\n"]
}

func ExampleSinkMapErr() {
	closed := combinators.NewSliceSink[int]()
	poll(combinators.SinkClose(closed))
	sink := combinators.SinkMapErr(closed, func(err error) error { return fmt.Errorf("log writer: %w", err) })
	poll(combinators.SinkSend(sink, 1))
	// Output:
	// ready: {}
	// error: log writer: combinators: send on a closed sink
}

// brokenSink accepts items but fails on its first flush.
type brokenSink struct{ combinators.SliceSink[int] }

func (*brokenSink) PollReady(*future.Context) future.Poll[struct{}] {
	return future.Fail[struct{}](errors.New("connection reset"))
}

func ExampleSinkBuffer() {
	buf := combinators.SinkBuffer(&brokenSink{}, 8)
	poll(combinators.SinkSendAll(buf, stream.Of(1, 2, 3)))
	// Output:
	// error: combinators: 3 buffered items lost: connection reset
}

func ExampleSinkFanout() {
	log, out := combinators.NewSliceSink[string](), combinators.NewSliceSink[string]()
	poll(combinators.SinkSendAll(combinators.SinkFanout(log, out), stream.Of("x", "y")))
	fmt.Println(log.Items(), out.Items())
	// Output:
	// ready: {}
	// [x y] [x y]
}

func ExampleNewSliceSink() {
	sink := combinators.NewSliceSink[int]()
	poll(combinators.Forward(stream.Of(4, 5), sink))
	fmt.Println(sink.Items())
	// Output:
	// ready: {}
	// [4 5]
}

func ExampleLostItemsError() {
	err := error(&combinators.LostItemsError{Lost: 2, Err: errors.New("broken pipe")})
	var lost *combinators.LostItemsError
	fmt.Println(errors.As(err, &lost), lost.Lost)
	// Output:
	// true 2
}

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

func ExampleFuturesUnordered_Abandon() {
	set := combinators.NewFuturesUnordered[int]()
	set.Push(future.Never[int]()) // each member is abandoned
	set.Push(future.Never[int]())
	set.Abandon()
	fmt.Println(set.Len())
	// Output:
	// 0
}

func ExampleFuturesOrdered_Abandon() {
	set := combinators.NewFuturesOrdered[int]()
	set.Push(future.Never[int]())
	set.Abandon()
	set.Push(future.Ready(5)) // usable again
	poll(combinators.Collect[int](set))
	// Output:
	// ready: [5]
}
