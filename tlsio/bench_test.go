package tlsio_test

import (
	"crypto/tls"
	"io"
	"testing"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/tlsio"
)

// BenchmarkHandshake measures a full TLS 1.3 handshake (X25519, ECDSA
// P-256) with crypto/tls's client over loopback, against an eddy TLS
// server and against crypto/tls's own server (tls.Listen, a goroutine per
// connection), both in this process: the difference is what running the
// handshake on a goroutine of its own, handing its I/O to the loop, costs.
func BenchmarkHandshake(b *testing.B) {
	cert := newCert(b)
	cfg := cert.serverConfig(tls.VersionTLS13)
	cfg.CurvePreferences = []tls.CurveID{tls.X25519}
	clientCfg := cert.clientConfig(tls.VersionTLS13)
	clientCfg.CurvePreferences = cfg.CurvePreferences
	servers := []struct {
		name  string
		start func(b *testing.B) string
	}{
		{"eddy", func(b *testing.B) string {
			done := make(chan result, 1024)
			go func() {
				for range done {
				}
			}()
			b.Cleanup(func() { close(done) })
			return serve(b, cfg, func(s *tlsio.Stream) future.Future[struct{}] { return echo(done)(s) })
		}},
		{"crypto-tls", func(b *testing.B) string {
			return goServer(b, cfg, func(c *tls.Conn) { io.Copy(c, c) })
		}},
	}
	for _, srv := range servers {
		b.Run(srv.name, func(b *testing.B) {
			addr := srv.start(b)
			b.ReportAllocs()
			for b.Loop() {
				c, err := tls.Dial("tcp", addr, clientCfg)
				if err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
		})
	}
}
