package stream_test

import (
	"errors"
	"fmt"
	"slices"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// printAll polls s by hand until it ends and prints every answer.
func printAll[T any](s stream.Stream[T]) {
	cx := future.NewContext(nil, nil)
	for i := 0; i < 100; i++ {
		p := s.PollNext(cx)
		switch {
		case p.IsEnd():
			fmt.Println("end")
			return
		case p.IsPending():
			fmt.Println("pending")
		case p.Err() != nil:
			fmt.Println("error:", p.Err())
		default:
			fmt.Println("item:", p.Value())
		}
	}
}

// ticks is a hand-written stream: n items, each after one pending answer
// whose wake-up it arranges by waking its task at once.
type ticks struct{ n, i int }

func (t *ticks) PollNext(cx *future.Context) stream.Poll[int] {
	if t.i >= 2*t.n {
		return stream.End[int]()
	}
	t.i++
	if t.i%2 == 1 {
		cx.Waker().Wake()
		return stream.Pending[int]()
	}
	return stream.Item(t.i / 2)
}

func ExampleStream() {
	var s stream.Stream[int] = &ticks{n: 2}
	printAll(s)
	// Output:
	// pending
	// item: 1
	// pending
	// item: 2
	// end
}

func ExamplePoll() {
	for _, p := range []stream.Poll[string]{
		stream.Item("a"), stream.Fail[string](errors.New("bad frame")), stream.Pending[string](), stream.End[string](),
	} {
		fmt.Println(p.IsItem(), p.IsPending(), p.IsEnd())
	}
	// Output:
	// true false false
	// true false false
	// false true false
	// false false true
}

func ExampleItem() {
	p := stream.Item(3)
	fmt.Println(p.IsItem(), p.Value(), p.Err())
	// Output: true 3 <nil>
}

func ExampleFail() {
	p := stream.Fail[int](errors.New("accept: too many open files"))
	fmt.Println(p.IsItem(), p.IsEnd(), p.Err())
	// Output: true false accept: too many open files
}

func ExampleEnd() {
	fmt.Println(stream.End[int]().IsEnd())
	// Output: true
}

func ExamplePending() {
	var zero stream.Poll[int]
	fmt.Println(stream.Pending[int]().IsPending(), zero.IsPending())
	// Output: true true
}

func ExamplePoll_IsPending() {
	fmt.Println(stream.Pending[int]().IsPending(), stream.Item(1).IsPending())
	// Output: true false
}

func ExamplePoll_IsItem() {
	fmt.Println(stream.Item(1).IsItem(), stream.Fail[int](errors.New("x")).IsItem(), stream.End[int]().IsItem())
	// Output: true true false
}

func ExamplePoll_IsEnd() {
	fmt.Println(stream.End[int]().IsEnd(), stream.Item(1).IsEnd())
	// Output: true false
}

func ExamplePoll_Value() {
	fmt.Println(stream.Item("line").Value())
	// Output: line
}

func ExamplePoll_Err() {
	fmt.Println(stream.Fail[int](errors.New("reset")).Err(), stream.Item(1).Err())
	// Output: reset <nil>
}

func ExamplePoll_Result() {
	v, err := stream.Item(8).Result()
	fmt.Println(v, err)
	// Output: 8 <nil>
}

func ExampleFromSlice() {
	printAll(stream.FromSlice([]string{"x", "y"}))
	// Output:
	// item: x
	// item: y
	// end
}

func ExampleOf() {
	printAll(stream.Of(1, 2, 3))
	// Output:
	// item: 1
	// item: 2
	// item: 3
	// end
}

func ExampleFromSeq() {
	s := stream.FromSeq(slices.Values([]string{"lazy", "pulled"}))
	printAll(s)
	// Output:
	// item: lazy
	// item: pulled
	// end
}

func ExampleOnce() {
	printAll(stream.Once("only"))
	// Output:
	// item: only
	// end
}

func ExampleOnceErr() {
	printAll(stream.OnceErr[int](errors.New("refused")))
	// Output:
	// error: refused
	// end
}

func ExampleEmpty() {
	printAll(stream.Empty[int]())
	// Output: end
}

func ExampleUnfold() {
	// Powers of two below 20: the state is the next power.
	s := stream.Unfold(1, func(n int) (int, int, bool) {
		return n, 2 * n, n < 20
	})
	printAll(s)
	// Output:
	// item: 1
	// item: 2
	// item: 4
	// item: 8
	// item: 16
	// end
}

func ExamplePollFn() {
	left := 2
	s := stream.PollFn(func(cx *future.Context) stream.Poll[int] {
		if left == 0 {
			return stream.End[int]()
		}
		left--
		return stream.Item(left)
	})
	printAll(s)
	// Output:
	// item: 1
	// item: 0
	// end
}

func ExampleFunc() {
	var s stream.Stream[string] = stream.Func[string](func(*future.Context) stream.Poll[string] {
		return stream.End[string]()
	})
	printAll(s)
	// Output: end
}

func ExampleFunc_PollNext() {
	f := stream.Func[int](func(*future.Context) stream.Poll[int] { return stream.Item(5) })
	fmt.Println(f.PollNext(future.NewContext(nil, nil)).Value())
	// Output: 5
}

// sliceSink is a Sink that collects into a slice and holds at most one
// unflushed item.
type sliceSink struct {
	buf, out []string
	closed   bool
}

func (s *sliceSink) PollReady(cx *future.Context) future.Poll[struct{}] {
	if len(s.buf) > 0 {
		return s.PollFlush(cx) // make room first
	}
	return future.Ok(struct{}{})
}

func (s *sliceSink) StartSend(item string) error {
	if s.closed {
		return errors.New("sink closed")
	}
	s.buf = append(s.buf, item)
	return nil
}

func (s *sliceSink) PollFlush(*future.Context) future.Poll[struct{}] {
	s.out = append(s.out, s.buf...)
	s.buf = s.buf[:0]
	return future.Ok(struct{}{})
}

func (s *sliceSink) PollClose(cx *future.Context) future.Poll[struct{}] {
	p := s.PollFlush(cx)
	s.closed = true
	return p
}

func ExampleSink() {
	cx := future.NewContext(nil, nil)
	var sink stream.Sink[string] = &sliceSink{}
	for _, v := range []string{"a", "b", "c"} {
		if p := sink.PollReady(cx); p.IsPending() || p.Err() != nil {
			return // a driver would wait to be woken here
		}
		if err := sink.StartSend(v); err != nil {
			fmt.Println(err)
			return
		}
	}
	sink.PollClose(cx)
	fmt.Println(sink.(*sliceSink).out, sink.StartSend("d"))
	// Output: [a b c] sink closed
}
