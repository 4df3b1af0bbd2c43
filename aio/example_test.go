package aio_test

import (
	"fmt"
	"log"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// Example sends a request over a pair of connected sockets, half-closes,
// and reads the whole answer: WriteAll, Shutdown, ReadExact and ReadToEnd
// on a real socket pair driven by one loop.
func Example() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	defer server.Close()

	// The server reads a 4-byte request and answers it, then half-closes.
	serve := combinators.AndThen(aio.ReadExact(server, make([]byte, 4)), func(int) future.Future[struct{}] {
		return combinators.AndThen(aio.WriteAll(server, []byte("pong, and goodbye")), func(int) future.Future[struct{}] {
			return aio.Shutdown(server)
		})
	})
	ask := combinators.AndThen(aio.WriteAll(client, []byte("ping")), func(int) future.Future[[]byte] {
		return aio.ReadToEnd(client)
	})
	both := combinators.Join(serve, ask)
	res, err := driver.Run(both)
	fmt.Printf("%s %v\n", res.Second, err)
	// Output: pong, and goodbye <nil>
}

// ExampleSplit copies a socket's input back to it with its two halves.
func ExampleSplit() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	defer server.Close()

	r, w := aio.Split(server) // socket types have a Split method of their own too
	echo := combinators.AndThen(aio.ReadExact(r, make([]byte, 5)), func(n int) future.Future[int] {
		return aio.WriteAll(w, []byte("HELLO"[:n]))
	})
	ask := combinators.AndThen(aio.WriteAll(client, []byte("hello")), func(int) future.Future[int] {
		return aio.ReadExact(client, make([]byte, 5))
	})
	res, err := driver.Run(combinators.Join(echo, ask))
	fmt.Println(res.First, res.Second, err)
	// Output: 5 5 <nil>
}
