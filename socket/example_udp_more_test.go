package socket_test

import (
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
