package tlsio_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"strings"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/timer"
	"github.com/eddyio/eddy/tlsio"
)

// selfSigned makes a certificate for localhost, and a pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IsCA:         true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		log.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		log.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// ExampleServer serves one TLS connection on a loop: it answers a line in
// upper case and ends with close_notify. The client is crypto/tls's.
func ExampleServer() {
	cert, pool := selfSigned()
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}

	// A client of package tls, on a goroutine.
	clientDone := make(chan string)
	go func() {
		c, err := tls.Dial("tcp", l.Addr().String(), &tls.Config{RootCAs: pool, ServerName: "localhost"})
		if err != nil {
			log.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "hello over tls\n")
		answer, err := io.ReadAll(c) // to the server's close_notify
		clientDone <- fmt.Sprintf("client read %q, %v", answer, err)
	}()

	server := combinators.AndThen(l.Accept(), func(c *socket.TCPStream) future.Future[string] {
		s := tlsio.Server(c, cfg)
		lines := combinators.Collect(combinators.Take(codec.ReadLines(s), 1)) // runs the handshake first
		reply := combinators.AndThen(lines, func(got []string) future.Future[string] {
			answer := []byte(strings.ToUpper(got[0]) + "\n")
			sent := combinators.AndThen(aio.WriteAll(s, answer), func(int) future.Future[struct{}] {
				return aio.Shutdown(s) // flush, close_notify, FIN
			})
			return combinators.Map(sent, func(struct{}) string { return got[0] })
		})
		return aio.Closing(s, reply)
	})
	line, err := driver.Run(server)
	fmt.Printf("server read %q, %v\n", line, err)
	fmt.Println(<-clientDone)
	// Output:
	// server read "hello over tls", <nil>
	// client read "HELLO OVER TLS\n", <nil>
}

// ExampleClient connects to a server of package tls, runs the handshake,
// sends a request and reads the answer to the server's close_notify.
func ExampleClient() {
	cert, pool := selfSigned()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close() // sends close_notify
		req, _ := io.ReadAll(c)
		fmt.Fprintf(c, "you said %q", req)
	}()

	cfg := &tls.Config{RootCAs: pool, ServerName: "localhost"}
	client := combinators.AndThen(socket.ConnectTCP(ln.Addr().String()), func(c *socket.TCPStream) future.Future[[]byte] {
		s := tlsio.Client(c, cfg)
		hello := combinators.AndThen(s.Handshake(), func(struct{}) future.Future[int] {
			fmt.Println("TLS 1.3:", s.ConnectionState().Version == tls.VersionTLS13)
			return aio.WriteAll(s, []byte("ping"))
		})
		sent := combinators.AndThen(hello, func(int) future.Future[struct{}] { return aio.Shutdown(s) })
		answer := combinators.AndThen(sent, func(struct{}) future.Future[[]byte] { return aio.ReadToEnd(s) })
		return aio.Closing(s, answer)
	})
	answer, err := driver.Run(client)
	fmt.Printf("%s, %v\n", answer, err)
	// Output:
	// TLS 1.3: true
	// you said "ping", <nil>
}

// ExampleStream_Handshake gives up on a handshake with a peer that never
// answers: the timeout stops it (and its goroutine).
func ExampleStream_Handshake() {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never answers
	if err != nil {
		log.Fatal(err)
	}
	defer ln.Close()

	client := combinators.AndThen(socket.ConnectTCP(ln.Addr().String()), func(c *socket.TCPStream) future.Future[struct{}] {
		s := tlsio.Client(c, &tls.Config{ServerName: "localhost"})
		return aio.Closing(s, timer.Timeout(s.Handshake(), 50*time.Millisecond))
	})
	_, err = driver.Run(client)
	fmt.Println("timed out:", errors.Is(err, timer.ErrTimeout))
	// Output: timed out: true
}
