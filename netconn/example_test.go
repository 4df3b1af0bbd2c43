package netconn_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/netconn"
	"github.com/eddyio/eddy/socket"
)

// ExampleFromTCPListener serves net/http from an eddy listener: the
// server's goroutines block on the readiness of an eddy loop (a runtime's,
// which runs it on a goroutine of its own).
func ExampleFromTCPListener() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Shutdown(context.Background())
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello, %s\n", r.URL.Path[1:])
	})}
	go srv.Serve(netconn.FromTCPListener(l, rt.Loops()[0]))
	defer srv.Shutdown(context.Background())

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("http://" + l.Addr().String() + "/gopher")
	if err != nil {
		log.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(string(body))
	// Output: hello, gopher
}

// ExampleFromUnixListener accepts a connection on an eddy Unix listener
// from a plain goroutine.
func ExampleFromUnixListener() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Shutdown(context.Background())
	dir, err := os.MkdirTemp("", "eddy-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	l, err := listener.BindUnix(filepath.Join(dir, "s"))
	if err != nil {
		log.Fatal(err)
	}
	ln := netconn.FromUnixListener(l, rt.Loops()[0])
	defer ln.Close()

	go func() {
		c, err := net.Dial("unix", filepath.Join(dir, "s"))
		if err != nil {
			log.Fatal(err)
		}
		io.WriteString(c, "over a Unix socket\n")
		c.Close()
	}()
	c, err := ln.Accept()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	line, err := bufio.NewReader(c).ReadString('\n')
	fmt.Print(line, err)
	// Output: over a Unix socket
	// <nil>
}

// ExampleFromTCP uses a connection made by eddy as a net.Conn, here with
// a client of package bufio.
func ExampleFromTCP() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Shutdown(context.Background())
	// A server of package net that answers one line in upper case.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		line, _ := bufio.NewReader(c).ReadString('\n')
		io.WriteString(c, strings.ToUpper(line))
		c.Close()
	}()

	s, err := driver.Await(rt, socket.ConnectTCP(ln.Addr().String()))
	if err != nil {
		log.Fatal(err)
	}
	c := netconn.FromTCP(s, rt.Loops()[0])
	defer c.Close()
	fmt.Fprintf(c, "hello from an eddy socket\n")
	reply, err := io.ReadAll(c)
	fmt.Printf("%s%v\n", reply, err)
	// Output: HELLO FROM AN EDDY SOCKET
	// <nil>
}

// ExampleFromUnix passes bytes between the ends of an eddy socket pair
// with io.Copy, as between any two net.Conns.
func ExampleFromUnix() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Shutdown(context.Background())
	a, b, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	loop := rt.Loops()[0]
	ca, cb := netconn.FromUnix(a, loop), netconn.FromUnix(b, loop)
	defer ca.Close()
	defer cb.Close()

	go func() {
		io.WriteString(ca, "through a socket pair")
		ca.CloseWrite() // cb reads the end of input
	}()
	var sb strings.Builder
	_, err = io.Copy(&sb, cb)
	fmt.Println(sb.String(), err)
	// Output: through a socket pair <nil>
}

// ExampleConn_Stream reaches the eddy socket under a Conn for its
// options.
func ExampleConn_Stream() {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 1})
	if err != nil {
		log.Fatal(err)
	}
	defer rt.Shutdown(context.Background())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	s, err := driver.Await(rt, socket.ConnectTCP(ln.Addr().String()))
	if err != nil {
		log.Fatal(err)
	}
	c := netconn.FromTCP(s, rt.Loops()[0])
	defer c.Close()
	if tcp, ok := c.Stream().(*socket.TCPStream); ok {
		fmt.Println(tcp.SetNoDelay(false))
	}
	// Output: <nil>
}
