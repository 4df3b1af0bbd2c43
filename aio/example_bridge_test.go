package aio_test

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net"
	"strings"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
)

// ExampleFromReader reads the lines of a net.Pipe, which has no descriptor
// the reactor could poll, in an eddy pipeline. The bridge's goroutine
// reads the pipe; it ends with the input.
func ExampleFromReader() {
	client, server := net.Pipe()
	go func() {
		fmt.Fprint(client, "HELO eddy\nNOOP\nQUIT\n")
		client.Close()
	}()
	r := aio.FromReader(server)
	defer r.Close() // closes the pipe too

	lines, err := driver.Run(combinators.Collect(codec.ReadLines(r)))
	fmt.Printf("%q %v\n", lines, err)
	// Output: ["HELO eddy" "NOOP" "QUIT"] <nil>
}

// ExampleFromWriter writes to a net.Pipe from a task; the shutdown
// flushes and closes the pipe, so the reader at the other end sees the end.
func ExampleFromWriter() {
	client, server := net.Pipe()
	defer server.Close()
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(server)
		got <- string(b)
	}()
	w := aio.FromWriter(client)
	defer w.Close()

	send := combinators.AndThen(aio.WriteAll(w, []byte("written by a task")), func(int) future.Future[struct{}] {
		return aio.Shutdown(w)
	})
	if _, err := driver.Run(send); err != nil {
		log.Fatal(err)
	}
	fmt.Println(<-got)
	// Output: written by a task
}

// ExampleFromConn talks to a server of package net (here at the other end
// of a net.Pipe) from a task, through a ConnBridge.
func ExampleFromConn() {
	client, server := net.Pipe()
	go func() { // a blocking server: it answers one line in upper case
		line, _ := bufio.NewReader(server).ReadString('\n')
		io.WriteString(server, strings.ToUpper(line))
		server.Close()
	}()
	c := aio.FromConn(client)
	defer c.Close()

	ask := combinators.AndThen(aio.WriteAll(c, []byte("hello over a pipe\n")), func(int) future.Future[[]byte] {
		return combinators.AndThen(future.PollFn(c.PollFlush), func(struct{}) future.Future[[]byte] {
			return aio.ReadToEnd(c)
		})
	})
	reply, err := driver.Run(ask)
	fmt.Printf("%s%v\n", reply, err)
	// Output:
	// HELLO OVER A PIPE
	// <nil>
}

// ExampleReadChunks turns any AsyncReader into a stream of byte slices.
func ExampleReadChunks() {
	r := aio.FromReader(strings.NewReader("abcdefgh"))
	chunks, err := driver.Run(combinators.Collect(aio.ReadChunks(r, 3)))
	fmt.Printf("%q %v\n", chunks, err)
	// Output: ["abc" "def" "gh"] <nil>
}
