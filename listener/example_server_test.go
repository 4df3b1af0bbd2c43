package listener_test

import (
	"context"
	"fmt"
	"io"
	"net"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// echoConn echoes one connection until the client half-closes, then
// closes it.
func echoConn(conn *socket.TCPStream) future.Future[struct{}] {
	r, w := conn.Split()
	copied := combinators.AndThen(iocopy.Copy(r, w), func(n int64) future.Future[int64] {
		return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
	})
	return aio.Closing(conn, combinators.Discard(copied))
}

// askServer sends msg to addr, half-closes, and returns the answer.
func askServer(addr, msg string) string {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err.Error()
	}
	defer c.Close()
	c.Write([]byte(msg))
	c.(*net.TCPConn).CloseWrite()
	b, _ := io.ReadAll(c)
	return string(b)
}

func ExampleBindServer() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := listener.BindServer(rt, "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	rt.Spawn(srv.Serve(echoConn))
	fmt.Println(askServer(srv.Addr().String(), "hello"))
	fmt.Println(rt.Shutdown(context.Background()))
	// Output:
	// hello
	// <nil>
}

func ExampleServerConfig() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Shutdown(context.Background())
	// One acceptor that hands connections to the least busy loop.
	srv, err := listener.ServerConfig{Spread: listener.Handoff}.Bind(rt, "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	rt.Spawn(srv.Serve(echoConn))
	fmt.Println(askServer(srv.Addr().String(), "handed off"))
	// Output: handed off
}

func ExampleServerConfig_Bind() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Shutdown(context.Background())
	srv, err := listener.ServerConfig{TCP: listener.TCPConfig{Network: "tcp4"}}.Bind(rt, "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	fmt.Println(srv.Addr().IP)
	// Output: 127.0.0.1
}

func ExampleServer() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := listener.BindServer(rt, "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Run drives the server until it ends: here, until Close.
	rt.Spawn(future.PollFn(func(*future.Context) future.Poll[struct{}] {
		srv.Close()
		return future.Ok(struct{}{})
	}))
	fmt.Println(rt.Run(srv.Serve(echoConn)))
	// Output: <nil>
}

func ExampleServer_Serve() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := listener.BindServer(rt, "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	rt.Spawn(srv.Serve(echoConn))
	for _, m := range []string{"a", "b", "c"} {
		fmt.Print(askServer(srv.Addr().String(), m))
	}
	fmt.Println()
	rt.Shutdown(context.Background())
	// Output: abc
}

func ExampleServer_Addr() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Shutdown(context.Background())
	srv, err := listener.BindServer(rt, "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	fmt.Println(srv.Addr().Port != 0)
	// Output: true
}

func ExampleServer_Close() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rt.Shutdown(context.Background())
	srv, err := listener.BindServer(rt, "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	addr := srv.Addr().String()
	fmt.Println(srv.Close())
	_, err = net.Dial("tcp", addr)
	fmt.Println(err != nil)
	// Output:
	// <nil>
	// true
}

func ExampleSpread() {
	fmt.Println(listener.ReusePort, listener.Handoff)
	// Output: ReusePort Handoff
}

func ExampleSpread_String() {
	fmt.Println(listener.Spread(7))
	// Output: Spread(7)
}
