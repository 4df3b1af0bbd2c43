package combinators_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

func ExampleSinkSend() {
	sink := combinators.NewSliceSink[string]()
	send := combinators.SinkSend[string](sink, "hello")
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
	poll(combinators.SinkSendAll[int](sink, stream.Of(1, 2)))
	fmt.Println(sink.Items(), sink.Closed())
	// Output:
	// ready: {}
	// [1 2] true
}

func ExampleSinkFlush() {
	sink := combinators.SinkBuffer[int](combinators.NewSliceSink[int](), 4)
	poll(combinators.SinkFlush(sink))
	// Output:
	// ready: {}
}

func ExampleSinkClose() {
	inner := combinators.NewSliceSink[int]()
	buf := combinators.SinkBuffer[int](inner, 4)
	buf.StartSend(1) // a SinkBuffer with room is ready
	poll(combinators.SinkClose(buf))
	fmt.Println(inner.Items(), inner.Closed())
	// Output:
	// ready: {}
	// [1] true
}

func ExampleSinkWith() {
	lines := combinators.NewSliceSink[string]()
	upper := combinators.SinkWith[string](lines, func(s string) (string, error) {
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
	poll(combinators.SinkClose[int](closed))
	sink := combinators.SinkMapErr[int](closed, func(err error) error { return fmt.Errorf("log writer: %w", err) })
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
	buf := combinators.SinkBuffer[int](&brokenSink{}, 8)
	poll(combinators.SinkSendAll(buf, stream.Of(1, 2, 3)))
	// Output:
	// error: combinators: 3 buffered items lost: connection reset
}

func ExampleSinkFanout() {
	log, out := combinators.NewSliceSink[string](), combinators.NewSliceSink[string]()
	poll(combinators.SinkSendAll(combinators.SinkFanout[string](log, out), stream.Of("x", "y")))
	fmt.Println(log.Items(), out.Items())
	// Output:
	// ready: {}
	// [x y] [x y]
}

func ExampleNewSliceSink() {
	sink := combinators.NewSliceSink[int]()
	poll(combinators.Forward(stream.Of(4, 5), stream.Sink[int](sink)))
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
