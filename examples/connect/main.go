// Command connect is a small netcat, Tokio's connect example: it sends its
// standard input to a peer and prints what the peer sends back on its
// standard output.
//
//	go run ./examples/connect -addr 127.0.0.1:6142 < request
//	go run ./examples/connect -udp -addr 127.0.0.1:6142
//
// Over TCP (the default) it copies bytes both ways; when the standard input
// ends it shuts down its write side (the peer reads the end of the stream)
// and keeps printing until the peer closes. With -udp it sends each line of
// the standard input as one datagram and prints every datagram that comes
// back; UDP has no end of stream, so it runs until SIGINT or SIGTERM, which
// stop either mode cleanly.
package main

import (
	"flag"
	"log"
	"net"
	"net/netip"
	"os"
	"syscall"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/fs"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/signal"
	"github.com/eddyio/eddy/socket"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6142", "address of the peer")
	udp := flag.Bool("udp", false, "send datagrams over UDP instead of a TCP stream")
	flag.Parse()

	in, err := fs.Stdin()
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	out, err := fs.Stdout()
	if err != nil {
		log.Fatal(err)
	}
	defer out.Close()

	var cat future.Future[struct{}]
	if *udp {
		cat, err = catUDP(*addr, in, out)
	} else {
		cat = catTCP(*addr, in, out)
	}
	if err != nil {
		log.Fatal(err)
	}
	// The signals first: SelectEither polls stop before cat does any I/O.
	stop := signal.First(os.Interrupt, syscall.SIGTERM)
	if _, err := driver.Run(combinators.SelectEither(stop, cat)); err != nil {
		log.Fatal(err)
	}
}

// catTCP copies in to the peer and the peer to out.
func catTCP(addr string, in, out *fs.File) future.Future[struct{}] {
	return combinators.AndThen(socket.ConnectTCP(addr), func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		// At the end of the input, send FIN: the peer learns we are done.
		send := combinators.AndThen(iocopy.Copy(in, w), func(int64) future.Future[struct{}] {
			return aio.Shutdown(w)
		})
		recv := iocopy.Copy(r, out) // until the peer closes
		return aio.Closing(conn, combinators.Discard(combinators.Join(send, recv)))
	})
}

// catUDP sends each line of in as a datagram to the peer and writes every
// datagram it receives to out.
func catUDP(addr string, in, out *fs.File) (future.Future[struct{}], error) {
	peer, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		return nil, err
	}
	to := netip.AddrPortFrom(peer.AddrPort().Addr().Unmap(), uint16(peer.Port))
	local := "0.0.0.0:0"
	if to.Addr().Is6() {
		local = "[::]:0"
	}
	sock, err := socket.BindUDP(local)
	if err != nil {
		return nil, err
	}
	if err := sock.Connect(to); err != nil {
		sock.Close()
		return nil, err
	}
	send := combinators.ForEach(codec.ReadLines(in), func(line string) future.Future[struct{}] {
		return combinators.Discard(sock.Send([]byte(line + "\n")))
	})
	recv := combinators.ForEach(sock.Datagrams(0), func(d socket.Datagram) future.Future[struct{}] {
		return combinators.Discard(aio.WriteAll(out, d.Data))
	})
	return aio.Closing(sock, combinators.Discard(combinators.Join(send, recv))), nil
}
