// Command hello connects to a TCP server, writes "hello world\n" and closes
// the connection: Tokio's hello_world example.
//
//	go run ./examples/hello -addr 127.0.0.1:6142
//
// Start a server for it first, for example `nc -l 127.0.0.1 6142`.
package main

import (
	"flag"
	"log"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6142", "address to connect to")
	flag.Parse()

	hello := combinators.AndThen(socket.ConnectTCP(*addr), func(conn *socket.TCPStream) future.Future[int] {
		log.Printf("connected to %v", conn.RemoteAddr())
		// Closing closes the connection once the write is done (or failed).
		return aio.Closing(conn, aio.WriteAll(conn, []byte("hello world\n")))
	})

	// Nothing has happened until here.
	if _, err := driver.Run(hello); err != nil {
		log.Fatal(err)
	}
	log.Print("wrote to stream; success")
}
