package socket_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/socket"
)

func ExampleBindUDP() {
	server, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer server.Close()
	client, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	buf := make([]byte, 1500)
	// Send a datagram, receive it on the server, and answer its sender.
	exchange := combinators.AndThen(client.SendTo([]byte("ping"), server.LocalAddr().AddrPort()),
		func(int) future.Future[socket.Datagram] { return server.RecvFrom(buf) })
	reply := combinators.AndThen(exchange, func(d socket.Datagram) future.Future[int] {
		fmt.Printf("server got %q from the client: %v\n", d.Data, d.Addr == client.LocalAddr().AddrPort())
		return server.SendTo([]byte("pong"), d.Addr)
	})
	got, err := driver.Run(combinators.AndThen(reply, func(int) future.Future[socket.Datagram] {
		return client.RecvFrom(buf)
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("client got %q\n", got.Data)
	// Output:
	// server got "ping" from the client: true
	// client got "pong"
}

func ExampleUDPSocket_Datagrams() {
	rx, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer rx.Close()
	tx, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Close()
	if err := tx.Connect(rx.LocalAddr().AddrPort()); err != nil {
		log.Fatal(err)
	}

	send := combinators.JoinAll([]future.Future[int]{
		tx.Send([]byte("one")), tx.Send([]byte("two")), tx.Send([]byte("three")),
	})
	// Each item's Data lives in the stream's one buffer, valid until the
	// next item: use it (or copy it) in the callback.
	receive := combinators.ForEach(combinators.Take(rx.Datagrams(1500), 3),
		func(d socket.Datagram) future.Future[struct{}] {
			fmt.Printf("%s from the sender: %v\n", d.Data, d.Addr == tx.LocalAddr().AddrPort())
			return future.Done()
		})
	if _, err := driver.Run(combinators.Join(send, receive)); err != nil {
		log.Fatal(err)
	}
	// Output:
	// one from the sender: true
	// two from the sender: true
	// three from the sender: true
}

func ExampleTruncatedError() {
	rx, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer rx.Close()
	tx, err := socket.BindUDP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer tx.Close()

	small := make([]byte, 4)
	_, err = driver.Run(combinators.AndThen(tx.SendTo([]byte("too long for the buffer"), rx.LocalAddr().AddrPort()),
		func(int) future.Future[socket.Datagram] { return rx.RecvFrom(small) }))
	fmt.Println(errors.Is(err, socket.ErrTruncated))
	// Output:
	// true
}
