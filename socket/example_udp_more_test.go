package socket_test

import (
	"bytes"
	"fmt"
	"log"
	"net"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

// ExampleBindUDPAddr binds a resolved address on one network, "udp4", with
// port 0 so that the kernel picks a free port, and sends a datagram to
// itself.
func ExampleBindUDPAddr() {
	u, err := socket.BindUDPAddr("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		log.Fatal(err)
	}
	defer u.Close()
	fmt.Println("bound to", u.LocalAddr().IP, "on a free port:", u.LocalAddr().Port != 0)

	buf := make([]byte, 64)
	d, err := driver.Run(combinators.AndThen(u.SendTo([]byte("to myself"), u.LocalAddr().AddrPort()),
		func(int) future.Future[socket.Datagram] { return u.RecvFrom(buf) }))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q from myself: %v\n", d.Data, d.Addr == u.LocalAddr().AddrPort())
	// Output:
	// bound to 127.0.0.1 on a free port: true
	// "to myself" from myself: true
}

// ExampleUDPSocket_SetReadBuffer raises the receive buffer of a socket that
// takes bursts: datagrams that arrive while the buffer is full are dropped.
// The kernel may round the size (Linux doubles it), so ReadBuffer says
// what it chose.
func ExampleUDPSocket_SetReadBuffer() {
	u, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer u.Close()
	if err := u.SetReadBuffer(128 << 10); err != nil {
		log.Fatal(err)
	}
	if err := u.SetWriteBuffer(64 << 10); err != nil {
		log.Fatal(err)
	}
	rb, err := u.ReadBuffer()
	if err != nil {
		log.Fatal(err)
	}
	wb, err := u.WriteBuffer()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("receive buffer of at least 128 KiB:", rb >= 128<<10)
	fmt.Println("send buffer of at least 64 KiB:", wb >= 64<<10)
	// Output:
	// receive buffer of at least 128 KiB: true
	// send buffer of at least 64 KiB: true
}

// ExampleFromUDPConn takes over a UDP socket of package net, so that a
// program can move its datagram traffic to eddy piece by piece.
func ExampleFromUDPConn() {
	// A peer written with package net that answers in upper case.
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		log.Fatal(err)
	}
	defer peer.Close()
	go func() {
		buf := make([]byte, 64)
		n, from, err := peer.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		peer.WriteToUDPAddrPort(bytes.ToUpper(buf[:n]), from)
	}()

	// An existing socket of package net, connected to the peer...
	nc, err := net.DialUDP("udp", nil, peer.LocalAddr().(*net.UDPAddr))
	if err != nil {
		log.Fatal(err)
	}
	// ...taken over by eddy: u owns a duplicate descriptor, nc is closed.
	u, err := socket.FromUDPConn(nc)
	if err != nil {
		log.Fatal(err)
	}
	defer u.Close()
	fmt.Println("connected to the peer:", u.RemoteAddr().String() == peer.LocalAddr().String())

	buf := make([]byte, 64)
	n, err := driver.Run(combinators.AndThen(u.Send([]byte("hello")),
		func(int) future.Future[int] { return u.Recv(buf) }))
	fmt.Printf("%s %v\n", buf[:n], err)
	// Output:
	// connected to the peer: true
	// HELLO <nil>
}
