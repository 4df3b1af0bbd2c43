package tlsio_test

import (
	"crypto/tls"
	"io"
	"strings"
	"testing"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/tlsio"
)

// goServer runs a crypto/tls server (tls.Listen) that hands each
// connection to serve on a goroutine and closes it afterwards (Close sends
// close_notify). It returns the address; the listener and the goroutines
// end with the test.
func goServer(t testing.TB, cfg *tls.Config, serve func(*tls.Conn)) string {
	t.Helper()
	loopkit.NoLeaks(t)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", cfg)
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
			go func() {
				defer c.Close()
				serve(c.(*tls.Conn))
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return ln.Addr().String()
}

// connect is a future of an eddy TLS client stream connected to addr.
func connect(addr string, cfg *tls.Config) future.Future[*tlsio.Stream] {
	return combinators.AndThen(socket.ConnectTCP(addr), func(c *socket.TCPStream) future.Future[*tlsio.Stream] {
		s := tlsio.Client(c, cfg)
		return combinators.Map(s.Handshake(), func(struct{}) *tlsio.Stream { return s })
	})
}

// sendAndRead writes msg, shuts the stream down (close_notify, FIN) and
// reads the answer to its end, all at once in one task.
func sendAndRead(s *tlsio.Stream, msg []byte) future.Future[[]byte] {
	send := combinators.AndThen(aio.WriteAll(s, msg), func(int) future.Future[struct{}] { return aio.Shutdown(s) })
	both := combinators.Join(send, aio.ReadToEnd(s))
	return combinators.Map(both, func(p combinators.Pair[struct{}, []byte]) []byte { return p.Second })
}

// TestGoServer talks to crypto/tls's server with an eddy TLS client: a
// line answered in upper case, then 10 MiB echoed byte for byte while it
// is written, in both TLS versions. In TLS 1.3 the server's session
// tickets arrive after the handshake and are read on the loop; with a
// session cache, the second connection resumes.
func TestGoServer(t *testing.T) {
	cert := newCert(t)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			addr := goServer(t, cert.serverConfig(v.vers), func(c *tls.Conn) {
				line, err := readLine(c)
				if err != nil {
					t.Errorf("server read = %v", err)
					return
				}
				c.Write([]byte(strings.ToUpper(line)))
				io.Copy(c, c) // to the client's close_notify
			})
			loop := loopkit.CheckedLoop(t)
			cfg := cert.clientConfig(v.vers)
			cfg.ClientSessionCache = tls.NewLRUClientSessionCache(4)

			for i, msg := range [][]byte{[]byte("hello, server\n"), append([]byte("big\n"), randomBytes(t, 10<<20)...)} {
				got, err := loopkit.Block(t, loop, combinators.AndThen(connect(addr, cfg), func(s *tlsio.Stream) future.Future[[]byte] {
					st := s.ConnectionState()
					if st.Version != v.vers || !st.HandshakeComplete {
						t.Errorf("ConnectionState = version %x, complete %v; want %x, true", st.Version, st.HandshakeComplete, v.vers)
					}
					if resumed := st.DidResume; resumed != (i == 1) {
						t.Errorf("connection %d: DidResume = %v", i, resumed)
					}
					return aio.Closing(s, sendAndRead(s, msg))
				}))
				if err != nil {
					t.Fatalf("client = %v", err)
				}
				line, rest, _ := strings.Cut(string(msg), "\n")
				sameBytes(t, "answer", got, []byte(strings.ToUpper(line)+"\n"+rest))
			}
		})
	}
}

// TestConnectionStateBeforeHandshake is the zero value, and reading an
// empty buffer runs the handshake.
func TestConnectionStateBeforeHandshake(t *testing.T) {
	cert := newCert(t)
	addr := goServer(t, cert.serverConfig(0), func(c *tls.Conn) { c.Handshake() })
	loop := loopkit.CheckedLoop(t)
	s, err := loopkit.Block(t, loop, combinators.Map(socket.ConnectTCP(addr), func(c *socket.TCPStream) *tlsio.Stream {
		return tlsio.Client(c, cert.clientConfig(0))
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st := s.ConnectionState(); st.HandshakeComplete || st.Version != 0 {
		t.Errorf("ConnectionState before the handshake = %+v; want the zero value", st)
	}
	if n, err := loopkit.Block(t, loop, aio.Read(s, nil)); n != 0 || err != nil {
		t.Errorf("Read(nil) = %d, %v; want 0, nil", n, err)
	}
	if st := s.ConnectionState(); !st.HandshakeComplete || st.Version != tls.VersionTLS13 {
		t.Errorf("ConnectionState after Read = complete %v, version %x; want true, TLS 1.3", st.HandshakeComplete, st.Version)
	}
}

// readLine reads up to and including the first newline, byte by byte, so
// that nothing after it is consumed.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	one := make([]byte, 1)
	for {
		if _, err := io.ReadFull(r, one); err != nil {
			return b.String(), err
		}
		b.WriteByte(one[0])
		if one[0] == '\n' {
			return b.String(), nil
		}
	}
}
