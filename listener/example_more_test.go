package listener_test

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// ask dials network/addr with package net, sends msg, half-closes, and
// prints the whole reply.
func ask(network, addr, msg string) {
	c, err := net.Dial(network, addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, msg)
	c.(interface{ CloseWrite() error }).CloseWrite()
	reply, err := io.ReadAll(c)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(reply))
}

// upper answers what conn sends, in upper case, and closes conn however
// that ends (aio.Closing).
func upper[S interface {
	aio.AsyncReadWriter
	io.Closer
}](conn S) future.Future[struct{}] {
	reply := combinators.AndThen(aio.ReadToEnd(conn), func(req []byte) future.Future[int] {
		return aio.WriteAll(conn, []byte(strings.ToUpper(string(req))))
	})
	return combinators.Then(aio.Closing(conn, reply), func(int, error) {})
}

// ExampleKeepAccepting is the shape of a resilient server. Each failed
// accept is logged (MapErrStream) and then dropped by KeepAccepting, so the
// server goes on serving; after EMFILE and the like, KeepAccepting also
// pauses, so that a process out of descriptors does not spin.
// ForEachConcurrent serves each connection in its own future, at most 100
// at a time: while 100 are being served it stops polling the listener, so
// further clients wait in the kernel's backlog instead of costing a
// descriptor each. That caps the concurrent connections at 100.
//
// Here two clients are served; closing the listener then ends Incoming,
// and with it the server, once the connections in flight are done.
func ExampleKeepAccepting() {
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		ask("tcp", l.Addr().String(), "hello")
		ask("tcp", l.Addr().String(), "again")
		l.Close() // ends Incoming
	}()

	logged := combinators.MapErrStream(l.Incoming(), func(err error) error {
		log.Printf("accept: %v", err)
		return err
	})
	server := combinators.ForEachConcurrent(listener.KeepAccepting(logged), 100, upper[*socket.TCPStream])
	if _, err := driver.Run(server); err != nil {
		log.Fatal(err)
	}
	// Output:
	// HELLO
	// AGAIN
}

// ExampleTCPConfig_Bind binds two listeners to one port with ReusePort:
// the kernel spreads the incoming connections among them (on Linux; other
// systems may hand them all to one). Without ReusePort, a second bind of
// the port fails.
func ExampleTCPConfig_Bind() {
	cfg := listener.TCPConfig{ReusePort: true}
	l1, err := cfg.Bind("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l1.Close()
	l2, err := cfg.Bind(l1.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	defer l2.Close()
	fmt.Println("same port:", l1.Addr().Port == l2.Addr().Port)

	_, err = listener.BindTCP(l1.Addr().String())
	fmt.Println("without ReusePort:", errors.Is(err, syscall.EADDRINUSE))

	// A client is accepted by one of the two, whichever the kernel chose,
	// and served.
	done := make(chan struct{})
	go func() {
		defer close(done)
		ask("tcp", l1.Addr().String(), "either")
	}()
	serve := combinators.AndThen(combinators.Select(l1.Accept(), l2.Accept()),
		func(s combinators.Selected[*socket.TCPStream]) future.Future[struct{}] { return upper(s.Value) })
	if _, err := driver.Run(serve); err != nil {
		log.Fatal(err)
	}
	<-done
	// Output:
	// same port: true
	// without ReusePort: true
	// EITHER
}

// ExampleBindTCPAddr listens on a resolved address; port 0 picks a free
// port, which Addr reports.
func ExampleBindTCPAddr() {
	l, err := listener.BindTCPAddr(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	fmt.Println(l.Addr().IP, l.Addr().Port != 0)
	// Output: 127.0.0.1 true
}

// ExampleFromTCPListener takes over a listener of package net: a
// connection already waiting in its backlog is accepted by eddy.
func ExampleFromTCPListener() {
	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		log.Fatal(err)
	}
	c, err := net.Dial("tcp", ln.Addr().String()) // waits in the backlog
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	l, err := listener.FromTCPListener(ln) // ln is closed
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	conn, err := driver.Run(combinators.Map(l.Accept(), func(s *socket.TCPStream) string {
		defer s.Close()
		return s.RemoteAddr().String()
	}))
	fmt.Println("accepted the waiting client:", conn == c.LocalAddr().String(), err)
	// Output: accepted the waiting client: true <nil>
}

// ExampleTCPListener_IntoTCPListener hands a listener back to package net,
// for code that wants a net.Listener.
func ExampleTCPListener_IntoTCPListener() {
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	ln, err := l.IntoTCPListener() // l is closed
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	fmt.Println("same address:", ln.Addr().String() == l.Addr().String())

	done := make(chan struct{})
	go func() {
		defer close(done)
		ask("tcp", ln.Addr().String(), "served by net")
	}()
	c, err := ln.Accept()
	if err != nil {
		log.Fatal(err)
	}
	req, _ := io.ReadAll(c)
	c.Write([]byte(strings.ToUpper(string(req))))
	c.Close()
	<-done
	// Output:
	// same address: true
	// SERVED BY NET
}

// ExampleUnixListener_Incoming serves the connections of a Unix listener,
// each in a task of its own, until the listener is closed.
func ExampleUnixListener_Incoming() {
	dir, err := os.MkdirTemp("", "eddy-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "upper.sock")

	l, err := listener.BindUnix(path)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		ask("unix", path, "first")
		ask("unix", path, "second")
		l.Close() // ends Incoming, and removes upper.sock
	}()

	server := combinators.ForEach(l.Incoming(), func(conn *socket.UnixStream) future.Future[struct{}] {
		return driver.Spawn(upper(conn))
	})
	if _, err := driver.Run(server); err != nil {
		log.Fatal(err)
	}
	// Output:
	// FIRST
	// SECOND
}
