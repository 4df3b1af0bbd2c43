// Command echo is eddy's echo server: every byte a client sends comes back
// to it, until the client half-closes its side; then the server finishes its
// own write side and closes the connection.
//
//	go run ./examples/echo -addr 127.0.0.1:6142
//
// Try it with `socat - TCP:127.0.0.1:6142` or `nc 127.0.0.1 6142`. It stops
// cleanly on SIGINT or SIGTERM, giving connections in flight a few seconds.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6142", "address to listen on")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	if err := run(*addr); err != nil {
		log.Fatal(err)
	}
}

func run(addr string) error {
	// Catch the signals before saying we listen: a supervisor may send one
	// as soon as it reads that line.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	l, err := listener.BindTCP(addr)
	if err != nil {
		return err
	}
	log.Printf("listening on %s", l.Addr())

	server := combinators.ForEach(
		listener.KeepAccepting(combinators.MapErrStream(l.Incoming(), func(err error) error {
			log.Printf("accept failed = %v", err)
			return err
		})),
		func(conn *socket.TCPStream) future.Future[struct{}] {
			r, w := conn.Split()
			echo := combinators.AndThen(iocopy.Copy(r, w), func(n int64) future.Future[int64] {
				// The client half-closed: pass the EOF on.
				return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
			})
			handle := combinators.Then(echo, func(n int64, err error) {
				if err != nil {
					log.Printf("I/O error %v", err)
				} else {
					log.Printf("wrote %d bytes", n)
				}
				conn.Close()
			})
			// Spawn is lazy too: polled by ForEach, it starts handle as a
			// task of this loop and is done at once, so the next accept is
			// not held up by this connection.
			return driver.Spawn(handle)
		})

	loop, err := driver.New(driver.Config{ShutdownTimeout: 5 * time.Second})
	if err != nil {
		return err
	}
	context.AfterFunc(ctx, loop.Stop)

	_, err = driver.BlockOn(loop, server) // nothing has happened until here
	if errors.Is(err, driver.ErrStopped) {
		log.Printf("shutting down")
		err = nil
	}
	l.Close()
	loop.Close()
	return err
}
