package listener_test

import (
	"fmt"
	"io"
	"log"
	"net"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// greet dials addr with package net and prints what the server says.
func greet(addr, name string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, name)
	c.(*net.TCPConn).CloseWrite()
	reply, _ := io.ReadAll(c)
	fmt.Println(string(reply))
}

// ExampleBindTCP serves the connections of Incoming, each in a task of its
// own, until the listener is closed.
func ExampleBindTCP() {
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		greet(l.Addr().String(), "Ada")
		greet(l.Addr().String(), "Grace")
		l.Close() // ends Incoming, and so the server
	}()

	server := combinators.ForEach(l.Incoming(), func(conn *socket.TCPStream) future.Future[struct{}] {
		reply := combinators.AndThen(aio.ReadToEnd(conn), func(name []byte) future.Future[int] {
			return aio.WriteAll(conn, fmt.Appendf(nil, "hello, %s", name))
		})
		return driver.Spawn(combinators.Then(reply, func(int, error) { conn.Close() }))
	})
	if _, err := driver.Run(server); err != nil {
		log.Fatal(err)
	}
	// Output:
	// hello, Ada
	// hello, Grace
}

// ExampleTCPListener_Accept accepts one connection.
func ExampleTCPListener_Accept() {
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	go func() {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			log.Fatal(err)
		}
		defer c.Close()
		io.ReadAll(c) // until the server closes
	}()

	conn, err := driver.Run(l.Accept())
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	fmt.Println(conn.LocalAddr().String() == l.Addr().String())
	// Output: true
}
