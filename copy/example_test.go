package copy_test

import (
	"fmt"
	"io"
	"log"
	"net"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// ExampleCopy echoes one connection over loopback: Copy reads the accepted
// socket and writes back to it until the client half-closes, then the
// server passes the EOF on.
func ExampleCopy() {
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	// The client: a plain net.Conn on a goroutine of its own.
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			log.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "hello, eddy")
		c.(*net.TCPConn).CloseWrite()
		reply, err := io.ReadAll(c)
		fmt.Printf("client read %q, %v\n", reply, err)
	}()

	// The server: accept one connection and copy it onto itself.
	echo := combinators.AndThen(l.Accept(), func(conn *socket.TCPStream) future.Future[int64] {
		r, w := conn.Split()
		copied := combinators.AndThen(iocopy.Copy(r, w), func(n int64) future.Future[int64] {
			return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
		})
		return combinators.Inspect(copied, func(int64) { conn.Close() })
	})
	n, err := driver.Run(echo)
	<-done
	fmt.Printf("server copied %d bytes, %v\n", n, err)
	// Output:
	// client read "hello, eddy", <nil>
	// server copied 11 bytes, <nil>
}
