package codec_test

import (
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/stream"
)

// ExampleNewFramed echoes raw chunks through a Framed: the server forwards
// its stream of frames into its own sink.
func ExampleNewFramed() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	defer server.Close()

	f := codec.NewFramed(server, codec.Bytes{})
	serve := combinators.Forward(f, f) // ends when the client half-closes
	ask := combinators.AndThen(aio.WriteAll(client, []byte("ping")), func(int) future.Future[[]byte] {
		return combinators.AndThen(aio.Shutdown(client), func(struct{}) future.Future[[]byte] {
			return aio.ReadToEnd(client)
		})
	})
	res, err := driver.Run(combinators.Join(serve, ask))
	fmt.Printf("%s %v\n", res.Second, err)
	// Output: ping <nil>
}

// ExampleNewFramedRead reads raw chunks as frames.
func ExampleNewFramedRead() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	defer server.Close()

	send := combinators.AndThen(aio.WriteAll(client, []byte("hello")), func(int) future.Future[struct{}] {
		return aio.Shutdown(client)
	})
	frames := codec.NewFramedRead(server, codec.Bytes{})
	read := combinators.Collect(frames)
	res, err := driver.Run(combinators.Join(send, read))
	fmt.Printf("%q %v\n", res.Second, err)
	// Output: ["hello"] <nil>
}

// ExampleNewFramedWrite sends frames through a sink: SinkSendAll flushes
// at the end, and PollClose shuts the write side down.
func ExampleNewFramedWrite() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	defer server.Close()

	sink := codec.NewFramedWrite(client, codec.Bytes{})
	frames := stream.Of([]byte("one "), []byte("two "), []byte("three"))
	send := combinators.AndThen(combinators.SinkSendAll(sink, frames), func(struct{}) future.Future[struct{}] {
		return future.PollFn(sink.PollClose)
	})
	res, err := driver.Run(combinators.Join(send, aio.ReadToEnd(server)))
	fmt.Printf("%s %v\n", res.Second, err)
	// Output: one two three <nil>
}

// ExampleReadLines reads a line-oriented protocol as a stream of strings.
func ExampleReadLines() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	defer server.Close()

	send := combinators.AndThen(aio.WriteAll(client, []byte("HELO eddy\r\nNOOP\nQUIT")), func(int) future.Future[struct{}] {
		return aio.Shutdown(client)
	})
	read := combinators.Collect(codec.ReadLines(server))
	res, err := driver.Run(combinators.Join(send, read))
	fmt.Printf("%q %v\n", res.Second, err)
	// Output: ["HELO eddy" "NOOP" "QUIT"] <nil>
}

// ExampleNewLinesMax bounds the length of a line, so that a peer cannot
// make the reader buffer without end: a longer line is an item error,
// ErrLineTooLong, and the stream resumes at the next line.
func ExampleNewLinesMax() {
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	send := combinators.AndThen(aio.WriteAll(a, []byte("short\nfits in 16\nthis line is far too long\nread on\n")),
		func(int) future.Future[struct{}] { return aio.Shutdown(a) })
	lines := codec.NewFramedRead(b, codec.NewLinesMax(16))
	logged := combinators.InspectErr(lines, func(err error) { fmt.Println("skipped:", err) })
	read := combinators.ForEach(combinators.DropErrors(logged), func(line string) future.Future[struct{}] {
		fmt.Printf("%q\n", line)
		return future.Done()
	})
	_, err = driver.Run(combinators.Join(send, read))
	fmt.Println(err)
	// Output:
	// "short"
	// "fits in 16"
	// skipped: codec: line too long
	// "read on"
	// <nil>
}

// ExampleLines_Encode writes lines through a FramedWrite.
func ExampleLines_Encode() {
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	sink := codec.NewFramedWrite(a, codec.NewLines())
	send := combinators.AndThen(combinators.SinkSendAll(sink, stream.Of("one", "two")), func(struct{}) future.Future[struct{}] {
		return future.PollFn(sink.PollClose)
	})
	res, err := driver.Run(combinators.Join(send, aio.ReadToEnd(b)))
	fmt.Printf("%q %v\n", res.Second, err)
	// Output: "one\ntwo\n" <nil>
}

// ExampleNewLengthDelimited sends length-prefixed frames both ways: the
// client's Framed sends two frames and reads the echoes.
func ExampleNewLengthDelimited() {
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	server := codec.NewFramed(b, codec.NewLengthDelimited())
	echo := combinators.Forward(server, server)
	client := codec.NewFramed(a, codec.NewLengthDelimited())
	send := combinators.AndThen(combinators.SinkSendAll(client, stream.Of([]byte("first"), []byte("second"))),
		func(struct{}) future.Future[struct{}] { return future.PollFn(client.PollClose) })
	read := combinators.Collect(client)
	res, err := driver.Run(combinators.Join(combinators.Join(send, echo), read))
	fmt.Printf("%q %v\n", res.Second, err)
	// Output: ["first" "second"] <nil>
}

// ExampleLengthDelimitedBuilder decodes a layout with a 2-byte
// little-endian length that counts itself, from a byte slice.
func ExampleLengthDelimitedBuilder() {
	c, err := codec.LengthDelimitedBuilder{}.LengthFieldLength(2).LittleEndian().LengthAdjustment(-2).Build()
	if err != nil {
		log.Fatal(err)
	}
	src := codec.NewBuffer([]byte("\x07\x00hello\x04\x00hi"))
	for {
		frame, ok, err := c.Decode(src)
		if !ok || err != nil {
			break
		}
		fmt.Printf("%q\n", frame)
	}
	wire, err := c.Encode(nil, []byte("hey"))
	fmt.Printf("%q %v\n", wire, err)
	// Output:
	// "hello"
	// "hi"
	// "\x05\x00hey" <nil>
}

// ExampleFrameLengthError shows a frame over the maximum: an item error,
// after which the codec skips the frame and decodes the next.
func ExampleFrameLengthError() {
	c, err := codec.LengthDelimitedBuilder{}.LengthFieldLength(1).MaxFrameLength(4).Build()
	if err != nil {
		log.Fatal(err)
	}
	src := codec.NewBuffer([]byte("\x08too long\x02ok"))
	for range 3 {
		frame, ok, err := c.Decode(src)
		fmt.Printf("%q %v %v\n", frame, ok, err)
	}
	// Output:
	// "" false codec: frame of 8 bytes over the maximum of 4
	// "ok" true <nil>
	// "" false <nil>
}

// ExampleNewUDPFramed sends lines as datagrams and receives them with
// their sender.
func ExampleNewUDPFramed() {
	a, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	b, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()

	sender := codec.NewUDPFramed(a, codec.NewLines())
	receiver := codec.NewUDPFramed(b, codec.NewLines())
	to := b.LocalAddr().AddrPort()
	send := combinators.SinkSendAll(sender, stream.Of(
		codec.Packet[string]{Frame: "hello", Addr: to},
		codec.Packet[string]{Frame: "world", Addr: to},
	))
	recv := combinators.Collect(combinators.Take(receiver, 2))
	res, err := driver.Run(combinators.Join(send, recv))
	for _, p := range res.Second {
		fmt.Println(p.Frame, p.Addr == a.LocalAddr().AddrPort())
	}
	fmt.Println(err)
	// Output:
	// hello true
	// world true
	// <nil>
}

// upper is a codec of 4-byte frames written upper-case, for the examples.
type upper struct{}

func (upper) Decode(src *codec.Buffer) (string, bool, error) {
	if src.Len() < 4 {
		return "", false, nil // need more
	}
	frame := string(src.Bytes()[:4]) // a copy: the buffer is reused
	src.Advance(4)
	return frame, true, nil
}

func (upper) Encode(dst []byte, frame string) ([]byte, error) {
	return append(dst, strings.ToUpper(frame)...), nil
}

// Example writes a codec of 4-byte frames and tries its decoder on a byte
// slice with NewBuffer, as a test or a fuzz target would.
func Example() {
	src := codec.NewBuffer([]byte("pingpongpi"))
	for {
		frame, ok, err := upper{}.Decode(src)
		if !ok || err != nil {
			break
		}
		fmt.Println(frame)
	}
	fmt.Printf("%d bytes left: %q\n", src.Len(), src.Bytes())
	wire, _ := upper{}.Encode(nil, "pong")
	fmt.Printf("%s\n", wire)
	// Output:
	// ping
	// pong
	// 2 bytes left: "pi"
	// PONG
}

// ExampleTrailingBytesError: input that ends inside a frame is an item
// error with the count of bytes left over.
func ExampleTrailingBytesError() {
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	send := combinators.AndThen(aio.WriteAll(a, []byte("pingpo")), func(int) future.Future[struct{}] {
		return aio.Shutdown(a)
	})
	frames := codec.NewFramedRead(b, upper{})
	_, err = driver.Run(combinators.Join(send, combinators.Collect(frames)))
	var te *codec.TrailingBytesError
	fmt.Println(errors.As(err, &te), te.N, errors.Is(err, codec.ErrTrailingBytes))
	fmt.Println(te)
	// Output:
	// true 2 true
	// codec: 2 bytes left over at end of input
}

// ExampleFramed_Split reads with one half and writes with the other: an
// echo of 4-byte frames, answered upper-case.
func ExampleFramed_Split() {
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	in, out := codec.NewFramed(b, upper{}).Split()
	echo := combinators.Forward(in, out)
	ask := combinators.AndThen(aio.WriteAll(a, []byte("pingpong")), func(int) future.Future[[]byte] {
		return combinators.AndThen(aio.Shutdown(a), func(struct{}) future.Future[[]byte] { return aio.ReadToEnd(a) })
	})
	res, err := driver.Run(combinators.Join(echo, ask))
	fmt.Printf("%s %v\n", res.Second, err)
	// Output: PINGPONG <nil>
}

// ExampleUpgrade reads a line, then switches the same connection to
// length-delimited frames: the bytes of the first frame, which came in the
// same read as the line, are decoded by the new codec.
func ExampleUpgrade() {
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	wire := []byte("UPGRADE binary\n\x00\x00\x00\x03abc\x00\x00\x00\x02de")
	send := combinators.AndThen(aio.WriteAll(a, wire), func(int) future.Future[struct{}] { return aio.Shutdown(a) })
	lines := codec.NewFramed(b, codec.NewLines())
	read := combinators.AndThen(combinators.IntoFuture(lines), func(h combinators.Head[string]) future.Future[[][]byte] {
		fmt.Println("line:", h.Item.Value())
		return combinators.Collect(codec.Upgrade(lines, codec.NewLengthDelimited()))
	})
	res, err := driver.Run(combinators.Join(send, read))
	fmt.Printf("frames: %q %v\n", res.Second, err)
	// Output:
	// line: UPGRADE binary
	// frames: ["abc" "de"] <nil>
}

// stalled is a writer whose peer reads nothing: every write is pending,
// and it keeps the waker to call when the peer reads.
type stalled struct{ waker future.Waker }

func (s *stalled) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	s.waker = cx.Waker()
	return future.Pending[int]()
}
func (s *stalled) PollFlush(cx *future.Context) future.Poll[struct{}] { return future.Ok(struct{}{}) }
func (s *stalled) PollShutdown(cx *future.Context) future.Poll[struct{}] {
	return future.Ok(struct{}{})
}

// ExampleFramedWrite_SetHighWaterMark shows backpressure: with a mark of
// 8 bytes and a peer that reads nothing, PollReady turns pending once 8
// bytes are buffered, with the task's waker parked in the writer.
func ExampleFramedWrite_SetHighWaterMark() {
	w := &stalled{}
	sink := codec.NewFramedWrite(w, upper{})
	sink.SetHighWaterMark(8)
	cx := future.NewContext(nil, nil) // polled by hand, outside a loop
	for _, frame := range []string{"abcd", "efgh", "ijkl"} {
		if sink.PollReady(cx).IsPending() {
			fmt.Println("pending before", frame)
			break
		}
		fmt.Println("sent", frame, sink.StartSend(frame))
	}
	fmt.Println("buffered:", sink.Buffered(), "waker parked:", w.waker != nil)
	// Output:
	// sent abcd <nil>
	// sent efgh <nil>
	// pending before ijkl
	// buffered: 8 waker parked: true
}

// ExampleRespond serves a line protocol: each request line gets its answer,
// and "quit" gets a last one, after which the server closes its side.
func ExampleRespond() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	defer server.Close()

	requests, answers := codec.NewFramed(server, codec.NewLines()).Split()
	handle := func(line string) (string, bool) {
		if line == "quit" {
			return "bye", true
		}
		return strings.ToUpper(line), false
	}
	refuse := func(err error) (string, bool) { return "error: " + err.Error(), true }
	serve := combinators.Forward(codec.Respond(requests, handle, refuse), answers)

	ask := combinators.AndThen(aio.WriteAll(client, []byte("hello\nworld\nquit\nignored\n")),
		func(int) future.Future[[]byte] { return aio.ReadToEnd(client) })
	out, err := driver.Run(combinators.Map(combinators.Join(serve, ask),
		func(r combinators.Pair[struct{}, []byte]) []byte { return r.Second }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(out))
	// Output:
	// HELLO
	// WORLD
	// bye
}

// ExampleStorage copies a frame out of the read buffer into pooled
// storage, and gives it back once the frame is done with.
func ExampleStorage() {
	var mem codec.Storage
	src := codec.NewBuffer([]byte("PING\r\nrest"))
	frame := append(mem.Take(4), src.Bytes()[:4]...)
	src.Advance(6)
	fmt.Printf("%s %v\n", frame, mem.Held())
	mem.Release()
	fmt.Println(mem.Held())
	// Output:
	// PING true
	// false
}
