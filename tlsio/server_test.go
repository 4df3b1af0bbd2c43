package tlsio_test

import (
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"
)

// TestGoClient talks to an eddy TLS server with crypto/tls's client: a
// message echoed exactly, then 10 MiB echoed byte for byte, ended by the
// client's close_notify (the server sees io.EOF, answers with its own).
func TestGoClient(t *testing.T) {
	cert := newCert(t)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			done := make(chan result, 1)
			addr := serve(t, cert.serverConfig(v.vers), echo(done))
			c, err := tls.DialWithDialer(&net.Dialer{Timeout: 10 * time.Second}, "tcp", addr, cert.clientConfig(v.vers))
			if err != nil {
				t.Fatalf("Dial = %v", err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			if got := c.ConnectionState().Version; got != v.vers {
				t.Errorf("version = %x; want %x", got, v.vers)
			}

			msg := []byte("hello, tls\n")
			if _, err := c.Write(msg); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, len(msg))
			if _, err := io.ReadFull(c, got); err != nil || string(got) != string(msg) {
				t.Fatalf("echo = %q, %v; want %q", got, err, msg)
			}

			big := randomBytes(t, 10<<20)
			werr := make(chan error, 1)
			go func() {
				_, err := c.Write(big)
				if err == nil {
					err = c.CloseWrite() // close_notify
				}
				werr <- err
			}()
			back, err := io.ReadAll(c) // to the server's close_notify: io.EOF
			if err != nil {
				t.Fatalf("ReadAll = %v", err)
			}
			if err := <-werr; err != nil {
				t.Fatalf("Write = %v", err)
			}
			sameBytes(t, "10 MiB echo", back, big)

			r := await(t, done)
			if want := int64(len(msg) + len(big)); r.n != want || r.err != nil {
				t.Errorf("server copied %d, %v; want %d, nil", r.n, r.err, want)
			}
			if r.state.Version != v.vers || !r.state.HandshakeComplete {
				t.Errorf("server's ConnectionState = version %x, complete %v; want %x, true", r.state.Version, r.state.HandshakeComplete, v.vers)
			}
		})
	}
}
