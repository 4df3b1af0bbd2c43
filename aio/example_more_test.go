package aio_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// ExampleWriteAll writes 1 MiB, more than a socket's buffer holds, while
// the other end reads it: WriteAll goes on across partial writes and
// pending waits until every byte is written.
func ExampleWriteAll() {
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	msg := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	write := combinators.AndThen(aio.WriteAll(a, msg), func(n int) future.Future[int] {
		return combinators.Map(aio.Shutdown(a), func(struct{}) int { return n })
	})
	res, err := driver.Run(combinators.Join(write, aio.ReadToEnd(b)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("written:", res.First, "read:", len(res.Second), bytes.Equal(res.Second, msg))
	// Output: written: 1048576 read: 1048576 true
}

// ExampleReadExact reads a fixed-size header and then a body of the length
// it gives. Input that ends early fails with io.ErrUnexpectedEOF, and the
// count says how much was read.
func ExampleReadExact() {
	// One loop for every step: driver.Run would close the sockets with its
	// loop when it returns.
	loop, err := driver.New(driver.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer loop.Close()
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	// A 2-byte big-endian length, the body, then a truncated second frame.
	send := combinators.AndThen(aio.WriteAll(a, []byte("\x00\x05hello\x00\x09cut")),
		func(int) future.Future[struct{}] { return aio.Shutdown(a) })
	header := make([]byte, 2)
	frame := combinators.AndThen(aio.ReadExact(b, header), func(int) future.Future[[]byte] {
		body := make([]byte, int(header[0])<<8|int(header[1]))
		return combinators.Map(aio.ReadExact(b, body), func(int) []byte { return body })
	})
	res, err := driver.BlockOn(loop, combinators.Join(send, frame))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("frame %q\n", res.Second)

	// The next header says 9 bytes, but only 3 follow.
	n, err := driver.BlockOn(loop, combinators.AndThen(aio.ReadExact(b, header), func(int) future.Future[int] {
		return aio.ReadExact(b, make([]byte, 9))
	}))
	fmt.Println(n, errors.Is(err, io.ErrUnexpectedEOF))

	// At the end of input, with nothing read, the error is io.EOF.
	n, err = driver.BlockOn(loop, aio.ReadExact(b, header))
	fmt.Println(n, err == io.EOF)
	// Output:
	// frame "hello"
	// 3 true
	// 0 true
}

// ExampleReadToEnd reads everything until the peer shuts its write side,
// as io.ReadAll does: the end of input is not an error.
func ExampleReadToEnd() {
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	send := combinators.AndThen(aio.WriteAll(a, []byte("all of it")),
		func(int) future.Future[struct{}] { return aio.Shutdown(a) })
	res, err := driver.Run(combinators.Join(send, aio.ReadToEnd(b)))
	fmt.Printf("%q %v\n", res.Second, err)
	// Output: "all of it" <nil>
}

// ExampleShutdown half-closes a connection: after Shutdown the peer reads
// EOF, and can still answer, since the other direction stays open.
func ExampleShutdown() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	defer server.Close()

	// The client sends a request whose end is the end of input.
	ask := combinators.AndThen(aio.WriteAll(client, []byte("question")), func(int) future.Future[[]byte] {
		return combinators.AndThen(aio.Shutdown(client), func(struct{}) future.Future[[]byte] {
			return aio.ReadToEnd(client)
		})
	})
	// The server reads to EOF, then answers and shuts down too.
	answer := combinators.AndThen(aio.ReadToEnd(server), func(req []byte) future.Future[struct{}] {
		return combinators.AndThen(aio.WriteAll(server, fmt.Appendf(nil, "answer to %s", req)),
			func(int) future.Future[struct{}] { return aio.Shutdown(server) })
	})
	res, err := driver.Run(combinators.Join(ask, answer))
	fmt.Printf("%s %v\n", res.First, err)
	// Output: answer to question <nil>
}
