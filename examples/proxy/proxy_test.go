package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/prockit"
)

const size = 10 << 20 // each way

func random(seed uint64, n int) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{byte(seed)}).Read(b)
	return b
}

// backend is the server behind the proxy: it accepts one connection and
// runs serve on it in a goroutine; the test waits for serve's error.
func backend(t *testing.T, serve func(c *net.TCPConn) error) (addr string, done <-chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan error, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer ln.Close()
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(prockit.Timeout))
		c, err := ln.Accept()
		if err != nil {
			ch <- err
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(prockit.Timeout))
		ch <- serve(c.(*net.TCPConn))
	})
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String(), ch
}

// readAll reads c to its end, with plain reads (io.ReadAll would do too;
// this keeps package net's splice pipes, which the leak check would see,
// out of the way) and checks it against want.
func readAll(c net.Conn, want []byte) error {
	got, err := io.ReadAll(struct{ io.Reader }{c})
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("read %d bytes, sha256 %x; want %d bytes, sha256 %x", len(got), sha256.Sum256(got), len(want), sha256.Sum256(want))
	}
	return nil
}

// writeAndFIN writes data to c and shuts down c's write side.
func writeAndFIN(c *net.TCPConn, data []byte) error {
	if _, err := c.Write(data); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	return c.CloseWrite()
}

func startProxy(t *testing.T, to string) (*prockit.Proc, *net.TCPConn) {
	t.Helper()
	p := prockit.Start(t, prockit.Build(t, "."), "-listen", "127.0.0.1:0", "-to", to)
	c, err := net.DialTimeout("tcp", p.Addr(t), prockit.Timeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(prockit.Timeout))
	return p, c.(*net.TCPConn)
}

// TestProxyClientHalfCloses: the client sends 10 MiB and shuts down its
// write side; the server reads to the end of the stream (the FIN came
// through the proxy) and only then sends its 10 MiB and FIN, which the
// client reads to the end: the proxy kept that way open.
func TestProxyClientHalfCloses(t *testing.T) {
	up, down := random(1, size), random(2, size)
	addr, served := backend(t, func(c *net.TCPConn) error {
		if err := readAll(c, up); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		return writeAndFIN(c, down)
	})
	p, c := startProxy(t, addr)
	if err := writeAndFIN(c, up); err != nil {
		t.Fatalf("client: %v", err)
	}
	if err := readAll(c, down); err != nil {
		t.Errorf("client: %v", err)
	}
	if err := <-served; err != nil {
		t.Error(err)
	}
	p.WaitStderr(t, regexp.MustCompile(fmt.Sprintf(`client wrote %d bytes and received %d bytes`, size, size)))
	p.Stop(t, syscall.SIGINT)
}

// TestProxyServerHalfCloses is the other way round: the server sends
// 10 MiB and its FIN first; the client reads to the end, then sends its
// 10 MiB and FIN, which the server reads to the end.
func TestProxyServerHalfCloses(t *testing.T) {
	up, down := random(3, size), random(4, size)
	addr, served := backend(t, func(c *net.TCPConn) error {
		if err := writeAndFIN(c, down); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		if err := readAll(c, up); err != nil {
			return fmt.Errorf("server: %w", err)
		}
		return nil
	})
	p, c := startProxy(t, addr)
	if err := readAll(c, down); err != nil {
		t.Fatalf("client: %v", err)
	}
	if err := writeAndFIN(c, up); err != nil {
		t.Fatalf("client: %v", err)
	}
	if err := <-served; err != nil {
		t.Error(err)
	}
	// The proxy closes the client's connection once both ways are done.
	if n, err := c.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("client Read after both ways ended = %d, %v; want 0, EOF", n, err)
	}
	p.WaitStderr(t, regexp.MustCompile(fmt.Sprintf(`client wrote %d bytes and received %d bytes`, size, size)))
	p.Stop(t, syscall.SIGTERM)
}

// TestProxyServerDown: when the server refuses, the client's connection is
// closed, the error logged, and the proxy goes on.
func TestProxyServerDown(t *testing.T) {
	p, c := startProxy(t, testkit.RefusingAddr(t))
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("client Read = %d, %v; want the connection closed", n, err)
	}
	p.WaitStderr(t, regexp.MustCompile(`connection refused`))
	if p.Exited() {
		t.Fatal("the proxy exited")
	}
	p.Stop(t, syscall.SIGINT)
}
