package copy_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"testing"
	"time"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// upperServer is a backend of package net that upper-cases what it reads
// until EOF, then half-closes.
func upperServer() net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				b, _ := io.ReadAll(c)
				c.Write(bytes.ToUpper(b))
			}()
		}
	}()
	return ln
}

// proxyOnce accepts one client on l and proxies it to backend.
func proxyOnce(l *listener.TCPListener, backend string) future.Future[iocopy.Transferred] {
	return combinators.AndThen(l.Accept(), func(a *socket.TCPStream) future.Future[iocopy.Transferred] {
		return combinators.Handle(socket.ConnectTCP(backend), func(b *socket.TCPStream, err error) future.Future[iocopy.Transferred] {
			if err != nil {
				a.Close()
				return future.Failed[iocopy.Transferred](err)
			}
			return combinators.Handle(iocopy.Bidirectional(a, b), func(n iocopy.Transferred, err error) future.Future[iocopy.Transferred] {
				a.Close()
				b.Close()
				return future.FromResult(n, err)
			})
		})
	})
}

func TestBidirectionalProxy(t *testing.T) {
	backend := upperServer()
	defer backend.Close()
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	payload := strings.Repeat("half-close travels through the proxy. ", 20000)
	got := make(chan string, 1)
	go func() {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			got <- err.Error()
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		go func() {
			io.WriteString(c, payload)
			c.(*net.TCPConn).CloseWrite()
		}()
		b, err := io.ReadAll(c)
		if err != nil {
			got <- err.Error()
			return
		}
		got <- string(b)
	}()
	n, err := driver.RunWith(driver.Config{DetectStalls: true}, proxyOnce(l, backend.Addr().String()))
	if err != nil {
		t.Fatalf("proxy: %v", err)
	}
	want := iocopy.Transferred{AToB: int64(len(payload)), BToA: int64(len(payload))}
	if n != want {
		t.Errorf("Bidirectional = %+v; want %+v", n, want)
	}
	if r := <-got; r != strings.ToUpper(payload) {
		t.Errorf("client got %d bytes (%.40q...); want the upper-cased payload of %d", len(r), r, len(payload))
	}
}

// ExampleBidirectional proxies one client to a backend that upper-cases
// what it reads; the client's half-close travels through the proxy.
func ExampleBidirectional() {
	backend := upperServer()
	defer backend.Close()
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	done := make(chan string)
	go func() {
		c, err := net.Dial("tcp", l.Addr().String())
		if err != nil {
			log.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "through the proxy")
		c.(*net.TCPConn).CloseWrite()
		b, _ := io.ReadAll(c)
		done <- string(b)
	}()
	n, err := driver.Run(proxyOnce(l, backend.Addr().String()))
	fmt.Println(<-done, n.AToB, n.BToA, err)
	// Output: THROUGH THE PROXY 17 17 <nil>
}
