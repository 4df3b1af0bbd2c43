// Command echo is eddy's echo server: every byte a client sends comes back
// to it, until the client half-closes its side; then the server finishes its
// own write side and closes the connection.
//
//	go run ./examples/echo -addr 127.0.0.1:6142
//
// Try it with `socat - TCP:127.0.0.1:6142` or `nc 127.0.0.1 6142`. It runs
// one event loop per core (-loops sets another number), each accepting on
// its own SO_REUSEPORT listener, and stops cleanly on SIGINT or SIGTERM,
// giving connections in flight a few seconds.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/eddyio/eddy/signal"

	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/timer"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6142", "address to listen on")
	loops := flag.Int("loops", 0, "event loops, one goroutine and poller each (0: one per GOMAXPROCS)")
	idle := flag.Duration("idle-timeout", 0, "close a connection that sends nothing for this long (0: never)")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	if err := run(*addr, *loops, *idle); err != nil {
		log.Fatal(err)
	}
}

func run(addr string, loops int, idle time.Duration) error {
	// Catch the signals before saying we listen: a supervisor may send one
	// as soon as it reads that line.
	// A runtime of one loop per core; connections in flight get 5 seconds
	// when the server stops.
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: loops,
		Config: driver.Config{ShutdownTimeout: 5 * time.Second}})
	if err != nil {
		return err
	}
	// One listener per loop (SO_REUSEPORT): the kernel spreads the
	// connections, and each loop accepts and serves its own.
	srv, err := listener.BindServer(rt, addr)
	if err != nil {
		rt.Shutdown(context.Background())
		return err
	}

	server := srv.Serve(func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		var in aio.AsyncReader = r
		if idle > 0 {
			in = timer.IdleReader(r, idle) // reset on every read
		}
		echo := combinators.AndThen(iocopy.Copy(in, w), func(n int64) future.Future[int64] {
			// The client half-closed: pass the EOF on.
			return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
		})
		// Serve starts this future as a task of its own, on the loop that
		// accepted the connection, so the next accept is not held up.
		return combinators.Then(echo, func(n int64, err error) {
			if err != nil {
				log.Printf("I/O error %v", err)
			} else {
				log.Printf("wrote %d bytes", n)
			}
			conn.Close()
		})
	})

	// Nothing has happened until here. RunContext serves until a signal
	// cancels ctx, then stops accepting, gives the connections in flight
	// their 5 seconds, and reports the ones it had to cancel.
	// Serve until SIGINT or SIGTERM, then shut down gracefully: Run lets
	// the connections still open finish within ShutdownTimeout, then
	// cancels (and closes) what is left.
	interrupted := combinators.Then(signal.First(os.Interrupt, syscall.SIGTERM), func(sig os.Signal, err error) {
		log.Printf("%v: shutting down", sig)
	})
	// The signals are watched from the first poll on (signal.First is lazy
	// too), so "listening" is logged in that same poll, after them.
	listening := future.Lazy(func() (struct{}, error) {
		log.Printf("listening on %s with %d loops", srv.Addr(), len(rt.Loops()))
		return struct{}{}, nil
	})
	return rt.Run(combinators.Discard(combinators.Join(combinators.Select(interrupted, server), listening)))
}
