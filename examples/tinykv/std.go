package main

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/eddyio/eddy/codec"
)

// runStd serves the store with package net: a goroutine per connection
// reading into a buffer, decoding with the same CommandDecoder, answering
// with the same session and writing the replies of every whole command
// read in one write, as the eddy server does.
func runStd(addr string, store *Store) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Printf("listening on %s with package net", l.Addr())
	var wg sync.WaitGroup
	var mu sync.Mutex
	conns := make(map[net.Conn]struct{})
	go func() {
		<-ctx.Done()
		log.Printf("shutting down")
		l.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	for {
		c, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			log.Printf("accept: %v", err)
			continue
		}
		mu.Lock()
		conns[c] = struct{}{}
		mu.Unlock()
		wg.Go(func() {
			if err := serveStd(c, store); err != nil && ctx.Err() == nil &&
				!errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, syscall.EPIPE) {
				log.Printf("connection from %v: %v", c.RemoteAddr(), err)
			}
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
			c.Close()
		})
	}
	wg.Wait()
	return nil
}

// The -std server's read buffer: 16 KiB, grown (by doubling) only for a
// command that needs more, up to the decoder's maximum.
const chunkSize = 16 << 10

var errFrameTooLarge = errors.New("tinykv: decoder needs more than its maximum frame length")

func serveStd(c net.Conn, store *Store) error {
	var rc respCodec
	s := &session{store: store}
	in := make([]byte, chunkSize)
	var out []byte
	start, end := 0, 0
	for {
		closing := false
		for start < end && !closing {
			buf := codec.NewBuffer(in[start:end])
			cmd, ok, err := rc.Decode(buf)
			start = end - buf.Len()
			var reply *Reply
			switch {
			case err != nil:
				if reply, closing = s.refuse(err); reply == nil {
					return err
				}
			case !ok:
			default:
				reply, closing = s.serve(cmd)
			}
			if !ok && err == nil {
				break
			}
			if out, err = rc.Encode(out, reply); err != nil {
				return err
			}
		}
		if len(out) > 0 {
			if _, err := c.Write(out); err != nil {
				return err
			}
			out = out[:0]
		}
		if closing {
			return nil
		}
		if start == end {
			start, end = 0, 0
		}
		if end == len(in) {
			if start > 0 {
				end = copy(in, in[start:end])
				start = 0
			} else {
				if len(in) >= MaxCommandLength+chunkSize {
					return errFrameTooLarge
				}
				in = append(in, make([]byte, len(in))...)
			}
		}
		n, err := c.Read(in[end:])
		end += n
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
