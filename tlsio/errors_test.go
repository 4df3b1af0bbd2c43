package tlsio_test

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/tlsio"
)

// handshakeOnly runs the handshake and reports its outcome.
func handshakeOnly(done chan<- result) func(*tlsio.Stream) future.Future[struct{}] {
	return func(s *tlsio.Stream) future.Future[struct{}] {
		return aio.Closing(s, combinators.Then(s.Handshake(), func(_ struct{}, err error) {
			done <- result{err: err, state: s.ConnectionState()}
		}))
	}
}

// rawServer runs a plain TCP server of package net that hands each
// connection to serve and closes it afterwards.
func rawServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	loopkit.NoLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetDeadline(time.Now().Add(loopkit.Timeout))
			serve(c)
			c.Close()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return ln.Addr().String()
}

// wantHandshakeError checks the text and the wrapped cause of a failed
// handshake.
func wantHandshakeError(t *testing.T, who string, err error, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s handshake = nil; want an error saying %q", who, text)
	}
	if !strings.HasPrefix(err.Error(), "tlsio: handshake: ") || !strings.Contains(err.Error(), text) {
		t.Errorf("%s handshake = %q; want \"tlsio: handshake: ...%s...\"", who, err, text)
	}
}

// TestBadCertificate: a client that does not trust the server's
// certificate fails with crypto/tls's verification error and tells the
// server with an alert, whichever side is eddy's.
func TestBadCertificate(t *testing.T) {
	cert, other := newCert(t), newCert(t)
	t.Run("eddy client", func(t *testing.T) {
		serverErr := make(chan error, 1)
		addr := goServer(t, cert.serverConfig(0), func(c *tls.Conn) { serverErr <- c.Handshake() })
		loop := loopkit.CheckedLoop(t)
		_, err := loopkit.Block(t, loop, combinators.AndThen(connect(addr, other.clientConfig(0)), func(s *tlsio.Stream) future.Future[struct{}] {
			s.Close()
			return future.Done()
		}))
		wantHandshakeError(t, "client", err, "certificate signed by unknown authority")
		var cve *tls.CertificateVerificationError
		if !errors.As(err, &cve) {
			t.Errorf("client handshake = %v; want a *tls.CertificateVerificationError inside", err)
		}
		if err := <-serverErr; err == nil || !strings.Contains(err.Error(), "bad certificate") {
			t.Errorf("Go server's handshake = %v; want the client's bad certificate alert", err)
		}
	})
	t.Run("eddy server", func(t *testing.T) {
		done := make(chan result, 1)
		addr := serve(t, cert.serverConfig(0), handshakeOnly(done))
		c, err := tls.Dial("tcp", addr, other.clientConfig(0))
		if err == nil {
			c.Close()
			t.Fatal("Go client trusted a certificate it should not")
		}
		var cve *tls.CertificateVerificationError
		if !errors.As(err, &cve) {
			t.Errorf("Go client's error = %v; want a *tls.CertificateVerificationError", err)
		}
		wantHandshakeError(t, "server", await(t, done).err, "remote error: tls: bad certificate")
	})
}

// TestNotTLS: a peer that does not speak TLS fails the handshake with
// crypto/tls's RecordHeaderError (whose Conn is not handed out), or with an
// unexpected EOF if it hangs up; neither hangs.
func TestNotTLS(t *testing.T) {
	cert := newCert(t)
	t.Run("plain client", func(t *testing.T) {
		done := make(chan result, 1)
		addr := serve(t, cert.serverConfig(0), handshakeOnly(done))
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
		err = await(t, done).err
		wantHandshakeError(t, "server", err, "first record does not look like a TLS handshake")
		var rh tls.RecordHeaderError
		if !errors.As(err, &rh) || rh.Conn != nil {
			t.Errorf("server handshake = %v; want a tls.RecordHeaderError with no Conn", err)
		}
	})
	for _, tt := range []struct {
		name  string
		serve func(net.Conn)
		text  string
		is    error
	}{
		{"plain server", func(c net.Conn) { c.Write([]byte("SSH-2.0-OpenSSH_9.2\r\n")); io.Copy(io.Discard, c) },
			"does not look like a TLS handshake", nil},
		{"server hangs up", func(c net.Conn) {
			c.Read(make([]byte, 64<<10)) // the ClientHello
			c.(*net.TCPConn).CloseWrite()
			io.Copy(io.Discard, c)
		},
			"unexpected EOF", io.ErrUnexpectedEOF},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr := rawServer(t, tt.serve)
			loop := loopkit.CheckedLoop(t)
			_, err := loopkit.Block(t, loop, combinators.Map(connect(addr, cert.clientConfig(0)), func(s *tlsio.Stream) struct{} {
				s.Close()
				return struct{}{}
			}))
			wantHandshakeError(t, "client", err, tt.text)
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("client handshake = %v; want it to wrap %v", err, tt.is)
			}
		})
	}
}

// TestTruncated: a peer that ends the connection without close_notify,
// between records or in the middle of one, ends the stream with
// ErrTruncated after the data it sent; with close_notify it is io.EOF
// (TestGoServer).
func TestTruncated(t *testing.T) {
	cert := newCert(t)
	for _, tt := range []struct {
		name string
		tail []byte // raw bytes written after the data, before the hang-up
	}{
		{"between records", nil},
		{"inside a record", []byte{23, 3, 3, 0, 100, 1, 2, 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr := goServer(t, cert.serverConfig(0), func(c *tls.Conn) {
				c.Write([]byte("cut short"))
				c.NetConn().Write(tt.tail)
				c.NetConn().Close() // no close_notify
			})
			loop := loopkit.CheckedLoop(t)
			got, err := loopkit.Block(t, loop, combinators.AndThen(connect(addr, cert.clientConfig(0)), func(s *tlsio.Stream) future.Future[[]byte] {
				return aio.Closing(s, readAll(s))
			}))
			if string(got) != "cut short" {
				t.Errorf("read %q before the end; want %q", got, "cut short")
			}
			if !errors.Is(err, tlsio.ErrTruncated) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("end = %v; want ErrTruncated", err)
			}
		})
	}
}

// readAll reads r to its end and is ready with what it read and the error
// that ended it (nil at io.EOF).
func readAll(r aio.AsyncReader) future.Future[[]byte] {
	var got []byte
	buf := make([]byte, 64)
	return future.PollFn(func(cx *future.Context) future.Poll[[]byte] {
		for {
			p := r.PollRead(cx, buf)
			switch {
			case p.IsPending():
				return future.Pending[[]byte]()
			case p.Err() == io.EOF:
				return future.Ok(got)
			case p.Err() != nil:
				return future.Result(got, p.Err())
			}
			got = append(got, buf[:p.Value()]...)
		}
	})
}
