// Command echo-udp is a UDP echo server: every datagram it receives goes
// back to its sender. It is Tokio's UDP echo example, and like it, its
// server is a future written by hand (see "Writing a leaf future by hand"
// in docs/combinators.md): a struct whose Poll drives the socket's
// PollRecvFrom and PollSendTo.
//
//	go run ./examples/echo-udp -addr 127.0.0.1:6142
//
// Try it with `nc -u 127.0.0.1 6142` or `socat - UDP:127.0.0.1:6142`. SIGINT
// or SIGTERM stops it.
package main

import (
	"errors"
	"flag"
	"log"
	"net"
	"net/netip"
	"os"
	"syscall"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/signal"
	"github.com/eddyio/eddy/socket"
)

// server echoes datagrams, one at a time. It is a future that never
// completes unless the socket fails.
type server struct {
	sock *socket.UDPSocket
	buf  []byte
	// The datagram received and not yet sent back: n bytes of buf, to
	// peer. n < 0 when there is none.
	n    int
	peer netip.AddrPort
}

func (s *server) Poll(cx *future.Context) future.Poll[struct{}] {
	for {
		// A socket that is always ready would keep this loop going for
		// ever: give the other tasks of the loop their turn now and then.
		if !cx.SpendBudget() {
			cx.Waker().Wake()
			return future.Pending[struct{}]()
		}
		if s.n >= 0 {
			p := s.sock.PollSendTo(cx, s.buf[:s.n], s.peer)
			if p.IsPending() {
				// The socket keeps cx's waker and wakes the task when it
				// can send: pending is never answered without that.
				return future.Pending[struct{}]()
			}
			if err := p.Err(); err != nil {
				log.Printf("echo to %v: %v", s.peer, err) // that datagram is lost
			}
			s.n = -1
		}
		p := s.sock.PollRecvFrom(cx, s.buf)
		if p.IsPending() {
			return future.Pending[struct{}]() // the socket wakes us
		}
		d, err := p.Result()
		switch {
		case errors.Is(err, net.ErrClosed):
			return future.Fail[struct{}](err)
		case err != nil:
			log.Printf("receive: %v", err) // a truncated datagram, say: drop it
		default:
			s.n, s.peer = len(d.Data), d.Addr
		}
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:6142", "address to listen on")
	flag.Parse()
	sock, err := socket.BindUDP(*addr)
	if err != nil {
		log.Fatal(err)
	}
	defer sock.Close()

	var echo future.Future[struct{}] = &server{sock: sock, buf: make([]byte, 64<<10), n: -1}
	// The signals are watched from the first poll on, and only then is the
	// address logged: whoever reads that line may signal at once.
	stop := signal.First(os.Interrupt, syscall.SIGTERM)
	listening := future.Lazy(func() (struct{}, error) {
		log.Printf("listening on %v", sock.LocalAddr())
		return struct{}{}, nil
	})
	if _, err := driver.Run(combinators.SelectEither(stop, combinators.Join(listening, echo))); err != nil {
		log.Fatal(err)
	}
}
