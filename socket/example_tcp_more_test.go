package socket_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"syscall"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// exampleEnds returns both ends of a TCP connection on 127.0.0.1,
// on loop: the end the listener accepted and the end that connected. The
// listener is closed before it returns. The caller closes both streams:
// closing the loop closes only the sockets registered with it, and a
// socket is registered when it is first polled, which the accepted end may
// never be.
func exampleEnds(loop *driver.Loop) (server, client *socket.TCPStream) {
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	ends, err := driver.BlockOn(loop, combinators.Join(l.Accept(), socket.ConnectTCP(l.Addr().String())))
	if err != nil {
		log.Fatal(err)
	}
	return ends.First, ends.Second
}

// exampleLoop returns a loop kept across several steps; the caller closes
// it, which closes every socket still registered with it.
func exampleLoop() *driver.Loop {
	loop, err := driver.New(driver.Config{})
	if err != nil {
		log.Fatal(err)
	}
	return loop
}

// ExampleTCPStream_SetNoDelay turns Nagle's algorithm off, for a protocol of
// small messages that must go out at once, and reads the option back.
func ExampleTCPStream_SetNoDelay() {
	loop := exampleLoop()
	defer loop.Close()
	server, client := exampleEnds(loop)
	defer server.Close()
	defer client.Close()

	for _, on := range []bool{true, false} {
		if err := client.SetNoDelay(on); err != nil {
			log.Fatal(err)
		}
		noDelay, err := client.NoDelay()
		fmt.Println("SetNoDelay", on, "-> NoDelay", noDelay, err)
	}
	// Output:
	// SetNoDelay true -> NoDelay true <nil>
	// SetNoDelay false -> NoDelay false <nil>
}

// ExampleTCPStream_SetKeepAlivePeriod turns keep-alive probes on with a
// period, which is rounded up to whole seconds, and off again.
func ExampleTCPStream_SetKeepAlivePeriod() {
	loop := exampleLoop()
	defer loop.Close()
	server, client := exampleEnds(loop)
	defer server.Close()
	defer client.Close()

	// SetKeepAlivePeriod turns keep-alive on, then sets the period.
	if err := client.SetKeepAlivePeriod(45 * time.Second); err != nil {
		log.Fatal(err)
	}
	on, _ := client.KeepAlive()
	period, _ := client.KeepAlivePeriod()
	fmt.Println("keep-alive", on, "every", period)

	if err := client.SetKeepAlivePeriod(1500 * time.Millisecond); err != nil {
		log.Fatal(err)
	}
	period, _ = client.KeepAlivePeriod()
	fmt.Println("1.5s rounds up to", period)

	if err := client.SetKeepAlive(false); err != nil {
		log.Fatal(err)
	}
	on, _ = client.KeepAlive()
	fmt.Println("keep-alive", on)

	// A period must be positive.
	fmt.Println(client.SetKeepAlivePeriod(0) != nil)
	// Output:
	// keep-alive true every 45s
	// 1.5s rounds up to 2s
	// keep-alive false
	// true
}

// ExampleTCPStream_SetLinger reads the default linger setting, sets one,
// and then uses SetLinger(0) to make Close reset the connection: the peer
// sees ECONNRESET instead of EOF.
func ExampleTCPStream_SetLinger() {
	loop := exampleLoop()
	defer loop.Close()
	server, client := exampleEnds(loop)
	defer client.Close()

	linger, _ := server.Linger()
	fmt.Println("default:", linger) // -1: Close sends unsent data in the background

	if err := server.SetLinger(3); err != nil {
		log.Fatal(err)
	}
	linger, _ = server.Linger()
	fmt.Println("after SetLinger(3):", linger)

	// Abort: discard unsent data and reset the connection.
	if err := server.SetLinger(0); err != nil {
		log.Fatal(err)
	}
	server.Close()
	_, err := driver.BlockOn(loop, aio.ReadToEnd(client))
	fmt.Println("the peer reads ECONNRESET:", errors.Is(err, syscall.ECONNRESET))
	// Output:
	// default: -1
	// after SetLinger(3): 3
	// the peer reads ECONNRESET: true
}

// ExampleTCPStream_SetReadBuffer sizes the kernel's buffers of a
// connection. The kernel may round the sizes (Linux doubles them for its
// own bookkeeping), so the example checks lower bounds.
func ExampleTCPStream_SetReadBuffer() {
	loop := exampleLoop()
	defer loop.Close()
	server, client := exampleEnds(loop)
	defer server.Close()
	defer client.Close()

	if err := client.SetReadBuffer(64 << 10); err != nil {
		log.Fatal(err)
	}
	if err := client.SetWriteBuffer(64 << 10); err != nil {
		log.Fatal(err)
	}
	rcv, _ := client.ReadBuffer()
	snd, _ := client.WriteBuffer()
	fmt.Println("receive buffer at least 64 KiB:", rcv >= 64<<10)
	fmt.Println("send buffer at least 64 KiB:", snd >= 64<<10)
	// Output:
	// receive buffer at least 64 KiB: true
	// send buffer at least 64 KiB: true
}

// ExampleTCPStream_SetTTL sets the time-to-live of the packets a
// connection sends.
func ExampleTCPStream_SetTTL() {
	loop := exampleLoop()
	defer loop.Close()
	server, client := exampleEnds(loop)
	defer server.Close()
	defer client.Close()

	if err := client.SetTTL(32); err != nil {
		log.Fatal(err)
	}
	ttl, err := client.TTL()
	fmt.Println(ttl, err)
	// Output: 32 <nil>
}

// ExampleTCPStream_Peek looks at the first bytes of a request without
// consuming them, as a server does to choose a protocol, then reads the
// request in full.
func ExampleTCPStream_Peek() {
	loop := exampleLoop()
	defer loop.Close()
	server, client := exampleEnds(loop)
	defer server.Close()
	defer client.Close()

	if _, err := driver.BlockOn(loop, aio.WriteAll(client, []byte("PING 1\n"))); err != nil {
		log.Fatal(err)
	}
	head := make([]byte, 4)
	n, err := driver.BlockOn(loop, server.Peek(head))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("peeked %q\n", head[:n])

	line := make([]byte, 7)
	if _, err := driver.BlockOn(loop, aio.ReadExact(server, line)); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("read %q\n", line)
	// Output:
	// peeked "PING"
	// read "PING 1\n"
}

// writeAllVectored writes every byte of bufs with as few writev calls as
// the kernel allows, and is ready with the total: PollWriteVectored may
// stop anywhere in any buffer, so it goes on from there.
func writeAllVectored(s *socket.TCPStream, bufs [][]byte) future.Future[int] {
	bufs = append([][]byte(nil), bufs...) // advanced in place below
	total := 0
	return future.PollFn(func(cx *future.Context) future.Poll[int] {
		for len(bufs) > 0 {
			p := s.PollWriteVectored(cx, bufs)
			if p.IsPending() {
				return p // the waker is parked until the socket is writable
			}
			n, err := p.Result()
			if err != nil {
				return future.Fail[int](err)
			}
			total += n
			for len(bufs) > 0 && n >= len(bufs[0]) {
				n -= len(bufs[0])
				bufs = bufs[1:]
			}
			if n > 0 {
				bufs[0] = bufs[0][n:]
			}
		}
		return future.Ok(total)
	})
}

// ExampleTCPStream_PollWriteVectored sends a header and a body with one
// writev system call, without copying them together.
func ExampleTCPStream_PollWriteVectored() {
	loop := exampleLoop()
	defer loop.Close()
	server, client := exampleEnds(loop)
	defer server.Close()
	defer client.Close()

	body := []byte("hello, writev\n")
	header := fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(body))
	send := combinators.AndThen(writeAllVectored(client, [][]byte{header, body}), func(n int) future.Future[int] {
		client.Close() // the server reads EOF after the body
		return future.Ready(n)
	})
	res, err := driver.BlockOn(loop, combinators.Join(send, aio.ReadToEnd(server)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %d bytes; the server read %q\n", res.First, res.Second)
	// Output:
	// wrote 53 bytes; the server read "HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\nhello, writev\n"
}

// ExampleTCPStream_Shutdown half-closes a connection: the server shuts its
// write side, the client reads EOF, and the other direction stays open.
func ExampleTCPStream_Shutdown() {
	loop := exampleLoop()
	defer loop.Close()
	server, client := exampleEnds(loop)
	defer server.Close()
	defer client.Close()

	if err := server.Shutdown(socket.ShutdownWrite); err != nil {
		log.Fatal(err)
	}
	got, err := driver.BlockOn(loop, aio.ReadToEnd(client))
	fmt.Printf("client reads %q %v (EOF)\n", got, err)

	// The client can still write; CloseWrite is Shutdown(ShutdownWrite).
	if _, err := driver.BlockOn(loop, aio.WriteAll(client, []byte("bye"))); err != nil {
		log.Fatal(err)
	}
	if err := client.CloseWrite(); err != nil {
		log.Fatal(err)
	}
	got, err = driver.BlockOn(loop, aio.ReadToEnd(server))
	fmt.Printf("server reads %q %v\n", got, err)
	// Output:
	// client reads "" <nil> (EOF)
	// server reads "bye" <nil>
}

// ExampleFromTCPConn takes over a connection of package net, so that a
// program can move to eddy one connection at a time.
func ExampleFromTCPConn() {
	// A peer written with package net that answers in upper case.
	ln := netPeer("tcp", "127.0.0.1:0", func(c net.Conn) {
		req, _ := io.ReadAll(c)
		c.Write(bytes.ToUpper(req))
	})
	defer ln.Close()

	// An existing connection of package net...
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	// ...taken over by eddy: s owns a duplicate descriptor, nc is closed.
	s, err := socket.FromTCPConn(nc.(*net.TCPConn))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ask := combinators.AndThen(aio.WriteAll(s, []byte("hello")), func(int) future.Future[struct{}] {
		return aio.Shutdown(s)
	})
	reply := combinators.AndThen(ask, func(struct{}) future.Future[[]byte] { return aio.ReadToEnd(s) })
	got, err := driver.Run(reply)
	fmt.Printf("%s %v\n", got, err)
	// Output: HELLO <nil>
}

// ExampleTCPStream_IntoTCPConn hands a connection made with eddy back to
// package net, for code that wants a net.Conn.
func ExampleTCPStream_IntoTCPConn() {
	ln := netPeer("tcp", "127.0.0.1:0", func(c net.Conn) {
		io.WriteString(c, "hello from the server")
	})
	defer ln.Close()

	// driver.Run would close the stream with its loop on return: keep a
	// loop while the stream is eddy's.
	loop := exampleLoop()
	defer loop.Close()
	s, err := driver.BlockOn(loop, socket.ConnectTCP(ln.Addr().String()))
	if err != nil {
		log.Fatal(err)
	}
	// IntoTCPConn closes s; c is a blocking *net.TCPConn on the same
	// connection.
	c, err := s.IntoTCPConn()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	got, err := io.ReadAll(c)
	fmt.Printf("%s %v\n", got, err)
	// Output: hello from the server <nil>
}

// ExampleNewTCPStream wraps a connected descriptor obtained elsewhere (here
// a duplicate of a net.Conn's; in practice one inherited from a parent
// process or passed over a Unix socket).
func ExampleNewTCPStream() {
	ln := netPeer("tcp", "127.0.0.1:0", func(c net.Conn) {
		req, _ := io.ReadAll(c) // echo, once the client has shut its write side
		c.Write(req)
	})
	defer ln.Close()

	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	raw, err := nc.(*net.TCPConn).SyscallConn()
	if err != nil {
		log.Fatal(err)
	}
	fd, dupErr := -1, error(nil)
	raw.Control(func(s uintptr) { fd, dupErr = syscall.Dup(int(s)) })
	nc.Close()
	if dupErr != nil {
		log.Fatal(dupErr)
	}
	syscall.CloseOnExec(fd)

	// s owns fd from here on: closing s closes it.
	s, err := socket.NewTCPStream(fd)
	if err != nil {
		syscall.Close(fd)
		log.Fatal(err)
	}
	defer s.Close()
	echo := combinators.AndThen(aio.WriteAll(s, []byte("echo me")), func(int) future.Future[[]byte] {
		return combinators.AndThen(aio.Shutdown(s), func(struct{}) future.Future[[]byte] { return aio.ReadToEnd(s) })
	})
	got, err := driver.Run(echo)
	fmt.Printf("%s %v\n", got, err)
	// Output: echo me <nil>
}

// ExampleResolveTCP resolves addresses as a future. A literal IP resolves
// at once; a host name would be looked up on a goroutine of its own, so
// that the loop never waits for DNS. The network filters the family.
func ExampleResolveTCP() {
	for _, q := range []struct{ network, addr string }{
		{"tcp", "127.0.0.1:8080"},
		{"tcp", "[::1]:http"}, // a service name is a port
		{"tcp6", ":9000"},     // no host: the loopback of the family
		{"tcp4", "[::1]:80"},  // an IPv6 address is not tcp4
	} {
		addrs, err := driver.Run(socket.ResolveTCP(q.network, q.addr))
		fmt.Println(q.network, q.addr, "->", addrs, err)
	}
	// Output:
	// tcp 127.0.0.1:8080 -> [127.0.0.1:8080] <nil>
	// tcp [::1]:http -> [[::1]:80] <nil>
	// tcp6 :9000 -> [[::1]:9000] <nil>
	// tcp4 [::1]:80 -> [] address [::1]:80: address family does not match network tcp4
}

// ExampleConnectTCPNetwork connects on one address family only: "tcp4"
// connects to the IPv4 listener, and "tcp6" refuses an IPv4 address before
// trying.
func ExampleConnectTCPNetwork() {
	ln := netPeer("tcp4", "127.0.0.1:0", func(net.Conn) {})
	defer ln.Close()

	peer, err := driver.Run(combinators.Map(socket.ConnectTCPNetwork("tcp4", ln.Addr().String()),
		func(s *socket.TCPStream) string {
			defer s.Close()
			return s.RemoteAddr().String()
		}))
	fmt.Println("tcp4 connected to the listener:", peer == ln.Addr().String(), err)

	_, err = driver.Run(socket.ConnectTCPNetwork("tcp6", ln.Addr().String()))
	var addrErr *net.AddrError
	fmt.Println("tcp6:", errors.As(err, &addrErr), addrErr.Err)
	// Output:
	// tcp4 connected to the listener: true <nil>
	// tcp6: true address family does not match network tcp6
}
