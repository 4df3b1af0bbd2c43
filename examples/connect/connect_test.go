package main

import (
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit/prockit"
)

// tcpEcho serves one connection: it echoes until the client's FIN, then
// closes. It reports through sawFIN whether it saw that FIN.
func tcpEcho(t *testing.T) (addr string, sawFIN <-chan bool) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fin := make(chan bool, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer ln.Close()
		ln.(*net.TCPListener).SetDeadline(time.Now().Add(prockit.Timeout))
		c, err := ln.Accept()
		if err != nil {
			fin <- false
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(prockit.Timeout))
		// Plain reads and writes: io.Copy between TCP sockets would splice
		// through a pipe that package net caches, which the leak check
		// would report.
		_, err = io.Copy(struct{ io.Writer }{c}, struct{ io.Reader }{c}) // nil only at EOF: the client's FIN
		fin <- err == nil
	})
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String(), fin
}

// TestConnectTCP pipes 1 MiB and a few lines through the program to an
// echo server: the standard output must be the input, byte for byte, and
// the program must pass the end of its input on (FIN) and exit once the
// server closes.
func TestConnectTCP(t *testing.T) {
	addr, sawFIN := tcpEcho(t)
	p := prockit.Start(t, prockit.Build(t, "."), "-addr", addr)
	rng := rand.New(rand.NewPCG(1, 2))
	input := make([]byte, 1<<20)
	for i := range input {
		input[i] = byte(rng.Uint32())
	}
	input = append(input, "one line\nand another\n"...)
	go func() {
		for rest := input; len(rest) > 0; {
			n := min(len(rest), 1+rng.IntN(64<<10))
			if _, err := p.Stdin.Write(rest[:n]); err != nil {
				return // the test reports the difference
			}
			rest = rest[n:]
		}
		p.Stdin.Close()
	}()
	p.Wait(t)
	if !<-sawFIN {
		t.Error("the echo server did not see the end of the stream")
	}
	if got := p.Stdout(); !bytes.Equal(got, input) {
		t.Errorf("stdout has %d bytes; want the %d bytes of the input", len(got), len(input))
	}
}

// TestConnectUDP sends lines through the program to a UDP echo socket, each
// after the echo of the one before, then stops it with SIGINT.
func TestConnectUDP(t *testing.T) {
	pc, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, 64<<10)
		for {
			n, from, err := pc.ReadFromUDP(buf)
			if err != nil {
				return // closed
			}
			pc.WriteToUDP(buf[:n], from)
		}
	})
	defer wg.Wait()
	defer pc.Close()

	p := prockit.Start(t, prockit.Build(t, "."), "-udp", "-addr", pc.LocalAddr().String())
	var want []byte
	for _, line := range []string{"first datagram\n", "second\n", "\n", "the last one\n"} {
		if _, err := io.WriteString(p.Stdin, line); err != nil {
			t.Fatalf("write to stdin: %v", err)
		}
		want = append(want, line...)
		p.WaitStdout(t, "echo of "+line, func(out []byte) bool { return len(out) >= len(want) })
	}
	p.Stdin.Close()
	p.Stop(t, syscall.SIGINT)
	if got := p.Stdout(); !bytes.Equal(got, want) {
		t.Errorf("stdout = %q; want %q", got, want)
	}
}

// TestConnectInterrupt: SIGTERM stops the TCP mode cleanly while both
// sides are idle.
func TestConnectInterrupt(t *testing.T) {
	addr, sawFIN := tcpEcho(t)
	p := prockit.Start(t, prockit.Build(t, "."), "-addr", addr)
	io.WriteString(p.Stdin, "ping\n")
	p.WaitStdout(t, "the echo", func(out []byte) bool { return string(out) == "ping\n" })
	p.Stop(t, syscall.SIGTERM)
	// The program closed the connection when it stopped: the server sees
	// the end of the stream.
	if !<-sawFIN {
		t.Error("the echo server did not see the connection end")
	}
}
