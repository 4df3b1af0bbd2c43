package socket_test

import (
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// ExampleUnixDatagram_Connect gives a datagram socket a default
// destination: Send and Recv then need no address, and the kernel drops
// datagrams from any other sender.
func ExampleUnixDatagram_Connect() {
	dir := exampleDir()
	defer os.RemoveAll(dir)
	serverPath := filepath.Join(dir, "server.sock")

	server, err := socket.BindUnixDatagram(serverPath)
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := socket.UnboundUnixDatagram()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	if err := client.Connect(serverPath); err != nil {
		log.Fatal(err)
	}
	fmt.Println("connected to", filepath.Base(client.RemoteAddr().Name))

	buf := make([]byte, 64)
	send := combinators.JoinAll([]future.Future[int]{client.Send([]byte("one")), client.Send([]byte("two"))})
	recv := combinators.AndThen(send, func([]int) future.Future[[]string] {
		var got []string
		first := combinators.AndThen(server.Recv(buf), func(n int) future.Future[int] {
			got = append(got, string(buf[:n]))
			return server.Recv(buf)
		})
		return combinators.Map(first, func(n int) []string { return append(got, string(buf[:n])) })
	})
	got, err := driver.Run(recv)
	fmt.Println(got, err)
	// Output:
	// connected to server.sock
	// [one two] <nil>
}

// ExampleUnixDatagram_RecvFrom answers a request: a bound client sends to
// the server with SendTo, and the server answers the path RecvFrom reports.
func ExampleUnixDatagram_RecvFrom() {
	dir := exampleDir()
	defer os.RemoveAll(dir)
	serverPath := filepath.Join(dir, "server.sock")
	clientPath := filepath.Join(dir, "client.sock")

	server, err := socket.BindUnixDatagram(serverPath)
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := socket.BindUnixDatagram(clientPath)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	sbuf, cbuf := make([]byte, 64), make([]byte, 64)
	ask := combinators.AndThen(client.SendTo([]byte("ping"), serverPath),
		func(int) future.Future[socket.UnixMessage] { return server.RecvFrom(sbuf) })
	answer := combinators.AndThen(ask, func(m socket.UnixMessage) future.Future[socket.UnixMessage] {
		fmt.Printf("server got %q from %s\n", m.Data, filepath.Base(m.Addr))
		return combinators.AndThen(server.SendTo([]byte("pong"), m.Addr),
			func(int) future.Future[socket.UnixMessage] { return client.RecvFrom(cbuf) })
	})
	m, err := driver.Run(answer)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("client got %q from %s\n", m.Data, filepath.Base(m.Addr))

	// Closing a bound socket removes its file.
	server.Close()
	client.Close()
	left, _ := os.ReadDir(dir)
	fmt.Println("files left:", len(left))
	// Output:
	// server got "ping" from client.sock
	// client got "pong" from server.sock
	// files left: 0
}

// ExampleUnboundUnixDatagram sends from a socket bound to no path: it can
// send, but its receiver sees no address to answer.
func ExampleUnboundUnixDatagram() {
	dir := exampleDir()
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "log.sock")

	logger, err := socket.BindUnixDatagram(path)
	if err != nil {
		log.Fatal(err)
	}
	defer logger.Close()
	u, err := socket.UnboundUnixDatagram()
	if err != nil {
		log.Fatal(err)
	}
	defer u.Close()
	fmt.Println("local address:", u.LocalAddr())

	buf := make([]byte, 64)
	m, err := driver.Run(combinators.AndThen(u.SendTo([]byte("started"), path),
		func(int) future.Future[socket.UnixMessage] { return logger.RecvFrom(buf) }))
	fmt.Printf("%q from %q %v\n", m.Data, m.Addr, err)
	// Output:
	// local address: <nil>
	// "started" from "" <nil>
}

// ExampleUnixStream_PeerCred asks who is at the other end of a Unix
// connection. The peer here is a listener of package net in this very
// process, so its user and group are ours. (The process ID is not printed:
// FreeBSD does not report it.)
func ExampleUnixStream_PeerCred() {
	dir := exampleDir()
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "api.sock")
	ln := netPeer("unix", path, func(c net.Conn) {
		io.Copy(io.Discard, c) // until the client closes
	})
	defer ln.Close()

	cred, err := driver.Run(combinators.Map(socket.ConnectUnix(path), func(s *socket.UnixStream) *socket.Ucred {
		defer s.Close()
		cred, err := s.PeerCred()
		if err != nil {
			log.Fatal(err)
		}
		return cred
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("same user:", cred.UID == uint32(os.Geteuid()))
	fmt.Println("same group:", cred.GID == uint32(os.Getegid()))
	// Output:
	// same user: true
	// same group: true
}

// ExampleNewUnixStream wraps connected descriptors obtained elsewhere (here
// the two ends of a socketpair; in practice one inherited from a parent
// process).
func ExampleNewUnixStream() {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		log.Fatal(err)
	}
	syscall.CloseOnExec(fds[0])
	syscall.CloseOnExec(fds[1])
	// Each stream owns its descriptor from here on.
	a, err := socket.NewUnixStream(fds[0])
	if err != nil {
		syscall.Close(fds[0])
		syscall.Close(fds[1])
		log.Fatal(err)
	}
	defer a.Close()
	b, err := socket.NewUnixStream(fds[1])
	if err != nil {
		syscall.Close(fds[1])
		log.Fatal(err)
	}
	defer b.Close()

	write := combinators.AndThen(aio.WriteAll(a, []byte("from a parent, say")),
		func(int) future.Future[struct{}] { return aio.Shutdown(a) })
	res, err := driver.Run(combinators.Join(write, aio.ReadToEnd(b)))
	fmt.Printf("%s %v\n", res.Second, err)
	// Output: from a parent, say <nil>
}
