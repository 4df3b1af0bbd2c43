// Command proxy is a TCP proxy: each client connection is joined to a new
// connection to the server, and bytes flow both ways until both sides are
// done. It is Tokio's proxy example, with the half-close it lacked: when
// one side shuts down its write side, the proxy shuts down its write side
// to the other, which can still answer.
//
//	go run ./examples/proxy -listen 127.0.0.1:8081 -to 127.0.0.1:8080
//
// SIGINT or SIGTERM stops it, closing the connections still open.
package main

import (
	"errors"
	"flag"
	"log"
	"net"
	"os"
	"syscall"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/signal"
	"github.com/eddyio/eddy/socket"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to listen on")
	to := flag.String("to", "127.0.0.1:8080", "address of the server to proxy to")
	flag.Parse()
	l, err := listener.BindTCP(*listen)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	if loopsBack(l.Addr(), *to) {
		// Each client would connect to the proxy itself, again and again,
		// until the process runs out of descriptors.
		log.Fatalf("refusing to proxy %v to itself", l.Addr())
	}

	server := combinators.ForEach(listener.KeepAccepting(l.Incoming()), func(client *socket.TCPStream) future.Future[struct{}] {
		proxy := combinators.AndThen(socket.ConnectTCP(*to), func(server *socket.TCPStream) future.Future[iocopy.Transferred] {
			// Both ways at once; an EOF on one side becomes a FIN on the
			// other.
			return aio.Closing(server, iocopy.Bidirectional(client, server))
		})
		peer := client.RemoteAddr()
		return driver.Spawn(aio.Closing(client, combinators.Then(proxy, func(n iocopy.Transferred, err error) {
			if err != nil {
				log.Printf("%v: %v", peer, err)
			} else {
				log.Printf("%v: client wrote %d bytes and received %d bytes", peer, n.AToB, n.BToA)
			}
		})))
	})

	// The signals are watched from the first poll on, and only then is the
	// address logged: whoever reads that line may signal at once.
	stop := signal.First(os.Interrupt, syscall.SIGTERM)
	listening := future.Lazy(func() (struct{}, error) {
		log.Printf("listening on %v (proxying to %v)", l.Addr(), *to)
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

// loopsBack reports whether to names the address the proxy listens on: the
// same port, and the same IP or any IP when the proxy listens on all of
// them. A name that does not resolve is left to the connects to report.
func loopsBack(l *net.TCPAddr, to string) bool {
	t, err := net.ResolveTCPAddr("tcp", to)
	if err != nil || t.Port != l.Port {
		return false
	}
	return l.IP.IsUnspecified() || l.IP.Equal(t.IP) || t.IP == nil || t.IP.IsUnspecified()
}
