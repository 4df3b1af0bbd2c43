// Command tinykv is a small in-memory key-value server on eddy that speaks
// the Redis protocol (RESP2), so redis-cli and redis-benchmark talk to it:
// PING [message], GET key, SET key value (no options), DEL key [key ...],
// INCR key, MGET key [key ...] and QUIT, answered as Redis answers them;
// any other command is "ERR unknown command 'name'".
//
//	go run ./examples/tinykv -addr 127.0.0.1:6379
//	redis-cli -p 6379 set greeting hello
//
// Commands are arrays of bulk strings, as clients send them, or inline
// lines ("PING\r\n" from nc or telnet); pipelined commands are answered in
// order, as many per write as have arrived. Malformed input is answered
// "-ERR Protocol error: ..." and the connection closed. The decoder's
// bounds: a bulk string of at most 64 MiB (Redis allows 512), at most
// 65,536 arguments, an inline line of at most 64 KiB.
//
// It runs one event loop per core (-loops sets another number); the store
// is one map split in 64 shards, each behind its own mutex, shared by the
// loops (see Store). It stops on SIGINT or SIGTERM.
//
// With -std it serves the same store and commands with package net, a
// goroutine per connection, for measuring one against the other
// (bench/protocols.sh).
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"os"
	"syscall"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/signal"
	"github.com/eddyio/eddy/socket"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "address to listen on")
	loops := flag.Int("loops", 0, "event loops (0: one per GOMAXPROCS)")
	std := flag.Bool("std", false, "serve with package net, a goroutine per connection, instead of eddy")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	var err error
	if *std {
		err = runStd(*addr, NewStore())
	} else {
		err = run(*addr, *loops, NewStore())
	}
	if err != nil {
		log.Fatal(err)
	}
}

// respCodec decodes commands and encodes replies.
type respCodec struct {
	CommandDecoder
	ReplyEncoder
}

func run(addr string, loops int, store *Store) error {
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: loops,
		Config: driver.Config{ShutdownTimeout: 5 * time.Second}})
	if err != nil {
		return err
	}
	srv, err := listener.BindServer(rt, addr)
	if err != nil {
		rt.Shutdown(context.Background())
		return err
	}
	server := srv.Serve(func(conn *socket.TCPStream) future.Future[struct{}] {
		// The connection as a stream of commands and a sink of replies,
		// the replies being the session's answers to the commands.
		r, w := conn.Split()
		commands, replies := codec.NewFramedPair(r, w, new(respCodec)).Split()
		s := &session{store: store}
		serve := combinators.Forward(codec.Respond(commands, s.serve, s.refuse), replies)
		return combinators.Then(aio.Closing(conn, serve), func(_ struct{}, err error) {
			if err != nil && !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
				log.Printf("connection from %v: %v", conn.RemoteAddr(), err)
			}
		})
	})
	interrupted := combinators.Then(signal.First(os.Interrupt, syscall.SIGTERM), func(sig os.Signal, err error) {
		log.Printf("%v: shutting down", sig)
	})
	listening := future.Lazy(func() (struct{}, error) {
		log.Printf("listening on %s with %d loops", srv.Addr(), len(rt.Loops()))
		return struct{}{}, nil
	})
	return rt.Run(combinators.Discard(combinators.Join(combinators.Select(interrupted, server), listening)))
}
