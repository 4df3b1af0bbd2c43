package main

import (
	"context"
	"errors"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// runStd serves the same routes with net/http: a goroutine per connection,
// keep-alive and pipelining as net/http does them (it reads pipelined
// requests one after the other on the connection's goroutine).
func runStd(addr string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/plaintext", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Server"] = serverStd
		h["Content-Type"] = textPlain
		h["Content-Length"] = helloLength
		w.Write(helloWorld)
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		var buf [64]byte
		body := appendMessageJSON(buf[:0], "Hello, World!")
		h := w.Header()
		h["Server"] = serverStd
		h["Content-Type"] = applicationJSON
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		w.Write(body)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: time.Minute}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	log.Printf("listening on %s with net/http", l.Addr())
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Printf("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// Header values shared by every response (net/http only reads them).
var (
	serverStd       = []string{"net/http"}
	textPlain       = []string{"text/plain"}
	applicationJSON = []string{"application/json"}
	helloLength     = []string{strconv.Itoa(len(helloWorld))}
)
