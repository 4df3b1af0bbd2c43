// Command echoserver runs one of the benchmarks' echo servers until it is
// interrupted (or, with -stdin, until its standard input closes):
//
//	go run ./cmd/echoserver -server eddy -addr 127.0.0.1:6142 -loops 2
//
// It prints "listening on ADDR" once the server echoes. The servers are
// eddy, net, gnet, netpoll, nbio and evio (see package servers).
package main

import (
	"flag"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/eddyio/eddy/bench/servers"
)

func main() {
	name := flag.String("server", "eddy", "the server: eddy, net, gnet, netpoll, nbio or evio")
	addr := flag.String("addr", "127.0.0.1:6142", "address to listen on (port 0 picks one)")
	loops := flag.Int("loops", runtime.NumCPU(), "event loops (one per core)")
	stdin := flag.Bool("stdin", false, "also stop when standard input closes")
	flag.Parse()
	s, ok := servers.Lookup(*name)
	if !ok {
		log.Fatalf("echoserver: no server %q", *name)
	}
	quit := make(chan struct{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		close(quit)
	}()
	if *stdin {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			sig <- syscall.SIGTERM
		}()
	}
	if err := servers.Serve(s, *addr, *loops, os.Stdout, quit); err != nil {
		log.Fatal(err)
	}
}
