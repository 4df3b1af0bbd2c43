// Command print-each-packet is a TCP server that prints every chunk of
// bytes each client sends, as it arrives, on its standard output: Tokio's
// print_each_packet example.
//
//	go run ./examples/print-each-packet -addr 127.0.0.1:6142
//
// Send it something with `socat - TCP:127.0.0.1:6142` or `nc 127.0.0.1
// 6142`. Connections come and go on its standard error; SIGINT or SIGTERM
// stops it, closing the connections still open.
package main

import (
	"errors"
	"flag"
	"log"
	"os"
	"syscall"

	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/fs"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/signal"
	"github.com/eddyio/eddy/socket"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6142", "address to listen on")
	flag.Parse()
	l, err := listener.BindTCP(*addr)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	server := combinators.ForEach(listener.KeepAccepting(l.Incoming()), func(conn *socket.TCPStream) future.Future[struct{}] {
		// Each connection writes through a handle of its own on the
		// standard output; Copy writes each chunk as soon as it is read.
		out, err := fs.Stdout()
		if err != nil {
			log.Print(err)
			conn.Close()
			return future.Done()
		}
		peer := conn.RemoteAddr()
		show := combinators.Then(iocopy.Copy(conn, out), func(n int64, err error) {
			if err != nil {
				log.Printf("%v: closed with error: %v", peer, err)
			} else {
				log.Printf("%v: received FIN and closed the connection after %d bytes", peer, n)
			}
			conn.Close()
			out.Close()
		})
		return driver.Spawn(show) // a task per connection
	})

	// The signals are watched from the first poll on, and only then is the
	// address logged: whoever reads that line may signal at once.
	stop := signal.First(os.Interrupt, syscall.SIGTERM)
	listening := future.Lazy(func() (struct{}, error) {
		log.Printf("listening on %v", l.Addr())
		return struct{}{}, nil
	})
	_, err = driver.Run(combinators.SelectEither(stop, combinators.Join(listening, server)))
	var cut *driver.ShutdownError
	if errors.As(err, &cut) {
		log.Printf("stopped; closed %d connections", len(cut.Cancelled))
	} else if err != nil {
		log.Fatal(err)
	}
}
