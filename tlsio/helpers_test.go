package tlsio_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/tlsio"
)

// testCert is a self-signed certificate for localhost and 127.0.0.1.
type testCert struct {
	cert    tls.Certificate
	pool    *x509.CertPool // trusts cert
	certPEM []byte
	keyPEM  []byte
}

func newCert(t testing.TB) *testCert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "eddy test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	c := &testCert{
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		pool:    x509.NewCertPool(),
	}
	if c.cert, err = tls.X509KeyPair(c.certPEM, c.keyPEM); err != nil {
		t.Fatal(err)
	}
	if !c.pool.AppendCertsFromPEM(c.certPEM) {
		t.Fatal("AppendCertsFromPEM failed")
	}
	return c
}

// serverConfig and clientConfig pin the TLS version when vers is not 0.
func (c *testCert) serverConfig(vers uint16) *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.cert}, MinVersion: vers, MaxVersion: vers}
}

func (c *testCert) clientConfig(vers uint16) *tls.Config {
	return &tls.Config{RootCAs: c.pool, ServerName: "localhost", MinVersion: vers, MaxVersion: vers}
}

// files writes the certificate and its key to a temporary directory.
func (c *testCert) files(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, c.certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, c.keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// result is what a server's handler ended with.
type result struct {
	n     int64
	err   error
	state tls.ConnectionState
}

// serve runs an eddy TLS server on a loop of its own: every accepted
// connection becomes a tlsio.Server stream handed to handle, in a task of
// its own. It returns the address.
func serve(t testing.TB, cfg *tls.Config, handle func(*tlsio.Stream) future.Future[struct{}]) string {
	t.Helper()
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepting := loopkit.Spawn(loop, combinators.ForEach(listener.KeepAccepting(l.Incoming()), func(c *socket.TCPStream) future.Future[struct{}] {
		return driver.Spawn(handle(tlsio.Server(c, cfg)))
	}))
	t.Cleanup(func() {
		l.Close()
		if _, err := loopkit.Await(t, accepting); err != nil {
			t.Errorf("accepting = %v", err)
		}
	})
	return l.Addr().String()
}

// echo copies a stream to itself until the peer's close_notify, shuts it
// down (close_notify, FIN), closes it, and reports on done.
func echo(done chan<- result) func(*tlsio.Stream) future.Future[struct{}] {
	return func(s *tlsio.Stream) future.Future[struct{}] {
		copied := combinators.AndThen(iocopy.Copy(s, s), func(n int64) future.Future[int64] {
			return combinators.Map(aio.Shutdown(s), func(struct{}) int64 { return n })
		})
		return aio.Closing(s, combinators.Then(copied, func(n int64, err error) {
			done <- result{n: n, err: err, state: s.ConnectionState()}
		}))
	}
}

// await waits for a server's result.
func await(t *testing.T, done <-chan result) result {
	t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(loopkit.Timeout):
		t.Fatalf("server not done after %v", loopkit.Timeout)
		panic("unreachable")
	}
}

// randomBytes returns n bytes of random data.
func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// sameBytes reports where two byte slices differ.
func sameBytes(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s: got %d bytes, want %d; first difference at byte %d", what, len(got), len(want), i)
	}
}

var versions = []struct {
	name string
	vers uint16
}{
	{"TLS1.2", tls.VersionTLS12},
	{"TLS1.3", tls.VersionTLS13},
}
