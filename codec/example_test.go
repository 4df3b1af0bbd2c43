package codec_test

import (
	"fmt"
	"log"

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
