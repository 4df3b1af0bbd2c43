package socket_test

import (
	"fmt"
	"io"
	"net"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// ExampleTCPStream_Split reads and writes one connection from two tasks:
// one task sends through the write half and half-closes, while the other
// reads the reply to its end through the read half. The halves are views
// of the stream: splitting allocates nothing, and closing the stream ends
// both.
func ExampleTCPStream_Split() {
	// A server of package net that answers each byte as it comes.
	ln := netPeer("tcp", "127.0.0.1:0", func(c net.Conn) {
		io.Copy(struct{ io.Writer }{c}, struct{ io.Reader }{c})
		c.(*net.TCPConn).CloseWrite()
	})
	defer ln.Close()

	client := combinators.AndThen(socket.ConnectTCP(ln.Addr().String()), func(s *socket.TCPStream) future.Future[[]byte] {
		r, w := s.Split()
		send := combinators.AndThen(aio.WriteAll(w, []byte("hello, halves")), func(int) future.Future[struct{}] {
			return aio.Shutdown(w) // the server reads EOF
		})
		// The writer is a task of its own; this one reads.
		read := combinators.AndThen(driver.Spawn(send), func(struct{}) future.Future[[]byte] { return aio.ReadToEnd(r) })
		return combinators.Inspect(read, func([]byte) { s.Close() })
	})
	reply, err := driver.Run(client)
	fmt.Printf("%s %v\n", reply, err)
	// Output: hello, halves <nil>
}
