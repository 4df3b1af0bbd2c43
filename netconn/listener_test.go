package netconn_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/netconn"
)

const helloBody = "hello from net/http over eddy\n"

// hello is the handler of the tests' servers: a fixed body, and the
// request's path in a header so that the client can check who answered.
var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Path", r.URL.Path)
	io.WriteString(w, helloBody)
})

// serve runs srv over ln until the test ends, then shuts it down and checks
// that Serve returned http.ErrServerClosed.
func serve(t *testing.T, srv *http.Server, ln net.Listener) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), loopkit.Timeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown() = %v", err)
		}
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve() = %v; want http.ErrServerClosed", err)
		}
	})
}

// get fetches url with client and returns the body, failing the test on
// any error or a status other than 200.
func get(t *testing.T, client *http.Client, url string) string {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, %q, %v; want 200", url, resp.StatusCode, body, err)
	}
	return string(body)
}

// curl runs curl with args and returns its standard output; the test is
// skipped if curl is not installed.
func curl(t *testing.T, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl is not installed (apt-get install -y curl); skipping the test with a real client")
	}
	ctx, cancel := context.WithTimeout(context.Background(), loopkit.Timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, path, append([]string{"-sS", "--max-time", "10"}, args...)...).Output()
	if err != nil {
		t.Fatalf("curl %v: %v", args, err)
	}
	return string(out)
}

// TestHTTPServe serves net/http from an eddy TCP listener and fetches from
// it with Go's client (a few requests on kept-alive connections and a few
// in parallel) and with curl. At the end the server is shut down and no
// goroutine or descriptor is left.
func TestHTTPServe(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serve(t, &http.Server{Handler: hello}, netconn.FromTCPListener(l, loop))
	url := "http://" + l.Addr().String()

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	for i := range 3 {
		if got := get(t, client, fmt.Sprintf("%s/seq/%d", url, i)); got != helloBody {
			t.Errorf("body = %q; want %q", got, helloBody)
		}
	}
	errs := make(chan error, 8)
	for i := range cap(errs) {
		go func() {
			resp, err := client.Get(fmt.Sprintf("%s/par/%d", url, i))
			if err != nil {
				errs <- err
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err == nil && (string(body) != helloBody || resp.Header.Get("X-Path") != fmt.Sprintf("/par/%d", i)) {
				err = fmt.Errorf("GET /par/%d = %q, path %q", i, body, resp.Header.Get("X-Path"))
			}
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}

	if got := curl(t, url+"/curl"); got != helloBody {
		t.Errorf("curl body = %q; want %q", got, helloBody)
	}
	// The whole response, headers included, as curl saw it.
	head := curl(t, "-i", "-H", "Connection: close", url+"/curl")
	if !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") || !strings.Contains(head, "X-Path: /curl\r\n") || !strings.HasSuffix(head, "\r\n\r\n"+helloBody) {
		t.Errorf("curl -i = %q", head)
	}
}

// TestHTTPServeUnix serves net/http from an eddy Unix listener.
func TestHTTPServeUnix(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	path := loopkit.SocketPath(t)
	l, err := listener.BindUnix(path)
	if err != nil {
		t.Fatal(err)
	}
	serve(t, &http.Server{Handler: hello}, netconn.FromUnixListener(l, loop))
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", path)
	}}
	defer tr.CloseIdleConnections()
	if got := get(t, &http.Client{Transport: tr}, "http://eddy/unix"); got != helloBody {
		t.Errorf("body = %q; want %q", got, helloBody)
	}
	if got := curl(t, "--unix-socket", path, "http://eddy/curl"); got != helloBody {
		t.Errorf("curl body = %q; want %q", got, helloBody)
	}
}

// selfSigned returns a TLS certificate for 127.0.0.1 signed by itself and
// a pool that trusts it, and writes the certificate in PEM to dir/cert.pem
// for clients outside the process.
func selfSigned(t *testing.T, dir string) (tls.Certificate, *x509.CertPool, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "eddy test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	pemPath := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(pemPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, pemPath
}

// TestTLSListener serves HTTPS through tls.NewListener over an eddy
// listener, to Go's TLS client (a raw tls.Dial and net/http) and to curl.
func TestTLSListener(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	cert, pool, pemPath := selfSigned(t, t.TempDir())
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := tls.NewListener(netconn.FromTCPListener(l, loop), &tls.Config{Certificates: []tls.Certificate{cert}})
	serve(t, &http.Server{Handler: hello}, ln)
	addr := l.Addr().String()
	clientCfg := &tls.Config{RootCAs: pool}

	// The handshake and a request by hand.
	c, err := tls.Dial("tcp", addr, clientCfg)
	if err != nil {
		t.Fatalf("tls.Dial() = %v", err)
	}
	if st := c.ConnectionState(); !st.HandshakeComplete || st.Version != tls.VersionTLS13 {
		t.Errorf("handshake: complete %v, version %x; want complete, TLS 1.3", st.HandshakeComplete, st.Version)
	}
	io.WriteString(c, "GET /raw HTTP/1.1\r\nHost: eddy\r\nConnection: close\r\n\r\n")
	raw, err := io.ReadAll(c)
	c.Close()
	if err != nil || !strings.HasPrefix(string(raw), "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(string(raw), "\r\n\r\n"+helloBody) {
		t.Errorf("raw HTTPS exchange = %q, %v", raw, err)
	}

	tr := &http.Transport{TLSClientConfig: clientCfg}
	defer tr.CloseIdleConnections()
	if got := get(t, &http.Client{Transport: tr}, "https://"+addr+"/go"); got != helloBody {
		t.Errorf("body = %q; want %q", got, helloBody)
	}
	if got := curl(t, "--cacert", pemPath, "https://"+addr+"/curl"); got != helloBody {
		t.Errorf("curl body = %q; want %q", got, helloBody)
	}
}

// TestListenerClose: Close wakes a blocked Accept, which fails with a
// *net.OpError matching net.ErrClosed, as do later Accepts and a second
// Close.
func TestListenerClose(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := netconn.FromTCPListener(l, loop)
	if ln.Addr().String() != l.Addr().String() {
		t.Errorf("Addr() = %v; want %v", ln.Addr(), l.Addr())
	}
	done := make(chan error, 1)
	go func() {
		_, err := ln.Accept()
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := ln.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	var oe *net.OpError
	select {
	case err := <-done:
		if !errors.As(err, &oe) || oe.Op != "accept" || oe.Net != "tcp" || !errors.Is(err, net.ErrClosed) {
			t.Errorf("blocked Accept() after Close = %v; want an accept *net.OpError matching net.ErrClosed", err)
		}
	case <-time.After(loopkit.Timeout):
		t.Fatal("Close did not wake the blocked Accept")
	}
	if _, err := ln.Accept(); !errors.As(err, &oe) || oe.Op != "accept" || !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept() after Close = %v; want an accept *net.OpError matching net.ErrClosed", err)
	}
	if err := ln.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close() = %v; want net.ErrClosed", err)
	}
}
