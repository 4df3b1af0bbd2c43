package socket_test

import (
	"fmt"
	"io"
	"log"
	"net"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// ExampleConnectTCP connects to a server, sends a request, half-closes, and
// reads the reply to its end.
func ExampleConnectTCP() {
	// A server of package net that answers in upper case.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		req, _ := io.ReadAll(c)
		fmt.Fprintf(c, "%s!", req)
	}()

	// Nothing happens until driver.Run polls the pipeline.
	client := combinators.AndThen(socket.ConnectTCP(ln.Addr().String()), func(s *socket.TCPStream) future.Future[[]byte] {
		send := combinators.AndThen(aio.WriteAll(s, []byte("hello")), func(int) future.Future[struct{}] {
			return aio.Shutdown(s) // the server reads EOF
		})
		reply := combinators.AndThen(send, func(struct{}) future.Future[[]byte] { return aio.ReadToEnd(s) })
		return combinators.Inspect(reply, func([]byte) { s.Close() })
	})
	reply, err := driver.Run(client)
	fmt.Printf("%s %v\n", reply, err)
	// Output: hello! <nil>
}
