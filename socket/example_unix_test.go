package socket_test

import (
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

func ExampleUnixPair() {
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	cred, err := b.PeerCred()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("peer is this process:", cred.UID == uint32(os.Geteuid()))

	// a writes and shuts its write side; b reads to EOF. Run closes the
	// loop when it returns, and with it both sockets.
	write := combinators.AndThen(aio.WriteAll(a, []byte("over the pair")),
		func(int) future.Future[struct{}] { return aio.Shutdown(a) })
	got, err := driver.Run(combinators.Join(write, aio.ReadToEnd(b)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", got.Second)
	// Output:
	// peer is this process: true
	// over the pair
}

func ExampleConnectUnix() {
	dir := exampleDir()
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "echo.sock")

	// A peer written with package net: it echoes one connection.
	ln := netPeer("unix", path, func(c net.Conn) {
		io.Copy(c, c)
	})
	defer ln.Close()

	echo := combinators.AndThen(socket.ConnectUnix(path), func(s *socket.UnixStream) future.Future[[]byte] {
		r, w := s.Split()
		write := combinators.AndThen(aio.WriteAll(w, []byte("hello, unix")),
			func(int) future.Future[struct{}] { return aio.Shutdown(w) })
		both := combinators.Join(write, aio.ReadToEnd(r))
		return combinators.Map(both, func(p combinators.Pair[struct{}, []byte]) []byte {
			s.Close()
			return p.Second
		})
	})
	got, err := driver.Run(echo)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", got)
	// Output:
	// hello, unix
}

func ExampleBindUnixDatagram() {
	dir := exampleDir()
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "log.sock")

	server, err := socket.BindUnixDatagram(path)
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close() // removes log.sock
	client, err := socket.UnboundUnixDatagram()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	buf := make([]byte, 512)
	m, err := driver.Run(combinators.AndThen(client.SendTo([]byte("a log line"), path),
		func(int) future.Future[socket.UnixMessage] { return server.RecvFrom(buf) }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q from %q (an unbound sender)\n", m.Data, m.Addr)
	// Output:
	// "a log line" from "" (an unbound sender)
}

func ExampleUnixDatagramPair() {
	a, b, err := socket.UnixDatagramPair()
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	defer b.Close()

	buf := make([]byte, 64)
	n, err := driver.Run(combinators.AndThen(a.Send([]byte("one datagram")),
		func(int) future.Future[int] { return b.Recv(buf) }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", buf[:n])
	// Output:
	// one datagram
}
