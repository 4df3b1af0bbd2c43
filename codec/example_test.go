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
