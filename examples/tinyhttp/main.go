// Command tinyhttp is a small HTTP/1.1 server on eddy, with the two routes
// of the TechEmpower benchmarks: /plaintext answers "Hello, World!" as
// text/plain, /json answers {"message":"Hello, World!"} as
// application/json, and anything else is 404.
//
//	go run ./examples/tinyhttp -addr 127.0.0.1:8080
//	curl -i http://127.0.0.1:8080/plaintext http://127.0.0.1:8080/json
//
// Requests are read with a hand-written decoder (request line, headers,
// Content-Length bodies; chunked bodies and oversize heads are refused with
// 400 and 431 and the connection closed) and answered through a response
// encoder; connections are kept alive (HTTP/1.1 unless "Connection: close",
// HTTP/1.0 only when asked), and pipelined requests are answered in order,
// as many per write as have arrived. It runs one event loop per core
// (-loops sets another number) and stops on SIGINT or SIGTERM.
//
// With -std it serves the same routes with net/http instead, for measuring
// one against the other (bench/protocols.sh).
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
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	loops := flag.Int("loops", 0, "event loops (0: one per GOMAXPROCS)")
	std := flag.Bool("std", false, "serve the same routes with net/http instead of eddy")
	flag.Parse()
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	var err error
	if *std {
		err = runStd(*addr)
	} else {
		err = run(*addr, *loops)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// httpCodec decodes requests and encodes responses.
type httpCodec struct {
	RequestDecoder
	ResponseEncoder
}

func run(addr string, loops int) error {
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
		// The connection as a stream of requests and a sink of responses,
		// the responses being the handler's answers to the requests.
		r, w := conn.Split()
		requests, responses := codec.NewFramedPair(r, w, new(httpCodec)).Split()
		h := new(handler)
		serve := combinators.Forward(codec.Respond(requests, h.serve, h.refuse), responses)
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

// The routes' bodies.
var (
	helloWorld = []byte("Hello, World!")
	notFound   = []byte("404 page not found\n")
)

// handler answers the requests of one connection; its response and the
// bytes of its JSON and error bodies are reused from one request to the
// next (an array inside the handler, not a buffer of its own).
type handler struct {
	resp Response
	text [128]byte
}

// serve answers req, and says whether the connection closes after it.
func (h *handler) serve(req *Request) (*Response, bool) {
	h.resp = Response{
		Close:       !req.KeepAlive,
		KeepAlive10: req.KeepAlive && req.Minor == 0,
		Head:        string(req.Method) == "HEAD",
	}
	switch path := req.Path(); string(path) {
	case "/plaintext":
		h.resp.Status, h.resp.ContentType, h.resp.Body = 200, "text/plain", helloWorld
	case "/json":
		body := appendMessageJSON(h.text[:0], "Hello, World!")
		h.resp.Status, h.resp.ContentType, h.resp.Body = 200, "application/json", body
	default:
		h.resp.Status, h.resp.ContentType, h.resp.Body = 404, "text/plain; charset=utf-8", notFound
	}
	return &h.resp, h.resp.Close
}

// refuse answers a request the decoder refused, and closes the connection.
func (h *handler) refuse(err error) (*Response, bool) {
	var se *StatusError
	if !errors.As(err, &se) {
		return nil, false
	}
	body := append(append(h.text[:0], se.Reason...), '\n')
	h.resp = Response{Status: se.Status, ContentType: "text/plain; charset=utf-8", Body: body, Close: true}
	return &h.resp, true
}

// appendMessageJSON appends {"message":msg} to dst, serialised for each
// request as the TechEmpower rules ask, without reflection or allocation.
func appendMessageJSON(dst []byte, msg string) []byte {
	dst = append(dst, `{"message":`...)
	dst = appendJSONString(dst, msg)
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}
