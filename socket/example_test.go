package socket_test

import (
	"fmt"
	"io"
	"log"
	"net"
	"os"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// netPeer starts a peer written with package net for an example: a listener
// on network and address that accepts one connection, hands it to serve
// and then closes it. The caller closes the listener.
func netPeer(network, address string, serve func(net.Conn)) net.Listener {
	ln, err := net.Listen(network, address)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		serve(c)
	}()
	return ln
}

// exampleDir returns a new temporary directory for an example's socket
// files; the caller removes it.
func exampleDir() string {
	dir, err := os.MkdirTemp("", "eddy-example")
	if err != nil {
		log.Fatal(err)
	}
	return dir
}

// ExampleConnectTCP connects to a server, sends a request, half-closes, and
// reads the reply to its end.
func ExampleConnectTCP() {
	// A server of package net that answers in upper case.
	ln := netPeer("tcp", "127.0.0.1:0", func(c net.Conn) {
		req, _ := io.ReadAll(c)
		fmt.Fprintf(c, "%s!", req)
	})
	defer ln.Close()

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
