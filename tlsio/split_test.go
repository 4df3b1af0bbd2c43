package tlsio_test

import (
	"crypto/tls"
	"io"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/tlsio"
)

// TestSplitTasks: one task reads a stream while another writes it, both
// from before the handshake (each waits on it and is woken), 4 MiB each
// way at once.
func TestSplitTasks(t *testing.T) {
	cert := newCert(t)
	up, down := randomBytes(t, 4<<20), randomBytes(t, 4<<20)
	type outcome struct {
		read []byte
		err  error
		s    *tlsio.Stream
	}
	done := make(chan outcome, 2)
	addr := serve(t, cert.serverConfig(0), func(s *tlsio.Stream) future.Future[struct{}] {
		r, w := aio.Split(s)
		writer := combinators.AndThen(aio.WriteAll(w, down), func(int) future.Future[struct{}] { return aio.Shutdown(w) })
		spawned := driver.Spawn(combinators.Then(writer, func(_ struct{}, err error) { done <- outcome{err: err} }))
		return combinators.AndThen(spawned, func(struct{}) future.Future[struct{}] {
			return combinators.Then(readAll(r), func(b []byte, err error) { done <- outcome{read: b, err: err, s: s} })
		})
	})
	c, err := tls.Dial("tcp", addr, cert.clientConfig(0))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(up)
		if err == nil {
			err = c.CloseWrite()
		}
		werr <- err
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("client ReadAll = %v", err)
	}
	sameBytes(t, "server to client", got, down)
	if err := <-werr; err != nil {
		t.Fatalf("client Write = %v", err)
	}
	var s *tlsio.Stream
	for range 2 {
		select {
		case o := <-done:
			if o.err != nil {
				t.Errorf("server task = %v", o.err)
			}
			if o.s != nil {
				s = o.s
				sameBytes(t, "client to server", o.read, up)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("server tasks not done after 30s")
		}
	}
	if s != nil {
		s.Close()
	}
}
