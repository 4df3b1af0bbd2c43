// Command httpserver serves net/http, either from an eddy listener through
// package netconn or from package net's own listener, for bench/interop.sh:
//
//	go run ./cmd/httpserver -listener eddy -addr 127.0.0.1:0
//
// It prints "listening on ADDR" once it serves, answers every request with
// a fixed 13-byte body, and stops on SIGINT, SIGTERM or the end of its
// standard input.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/netconn"
)

func main() {
	which := flag.String("listener", "eddy", "eddy (an eddy listener seen through netconn) or net (net.Listen)")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()

	var ln net.Listener
	switch *which {
	case "eddy":
		// One loop serves as the reactor of every connection; the
		// handlers run on goroutines, as with package net.
		rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 1})
		if err != nil {
			log.Fatal(err)
		}
		defer rt.Shutdown(context.Background())
		l, err := listener.BindTCP(*addr)
		if err != nil {
			log.Fatal(err)
		}
		ln = netconn.FromTCPListener(l, rt.Loops()[0])
	case "net":
		l, err := net.Listen("tcp", *addr)
		if err != nil {
			log.Fatal(err)
		}
		ln = l
	default:
		log.Fatalf("httpserver: no listener %q (eddy or net)", *which)
	}

	body := []byte("Hello, World!")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(body)
	})}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	fmt.Printf("listening on %s\n", ln.Addr())

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		io.Copy(io.Discard, os.Stdin)
		stop <- syscall.SIGTERM
	}()
	<-stop
	srv.Shutdown(context.Background())
	if err := <-done; err != http.ErrServerClosed {
		log.Print(err)
	}
}
