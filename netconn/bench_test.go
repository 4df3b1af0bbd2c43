package netconn_test

import (
	"io"
	"net"
	"testing"

	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// BenchmarkPingPong measures a 64-byte round trip between two goroutines
// over a TCP connection on 127.0.0.1: both ends netconn Conns waiting on
// one eddy loop, against both ends package net's TCPConns.
func BenchmarkPingPong(b *testing.B) {
	b.Run("netconn", func(b *testing.B) {
		loop := loopkit.StartLoop(b)
		c1, c2 := tcpPair(b, loop)
		benchmarkPingPong(b, c1, c2)
	})
	b.Run("net", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		c1, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		c2, err := ln.Accept()
		if err != nil {
			b.Fatal(err)
		}
		benchmarkPingPong(b, c1, c2)
	})
}

// benchmarkPingPong echoes on c2 while the benchmark loop writes and reads
// back on c1; it closes both.
func benchmarkPingPong(b *testing.B, c1, c2 net.Conn) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Through plain interfaces, so that net's TCPConn does not splice
		// (through pipes its pool keeps open) and both sides copy alike.
		io.Copy(struct{ io.Writer }{c2}, struct{ io.Reader }{c2})
		c2.Close()
	}()
	msg := make([]byte, 64)
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if _, err := c1.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c1, msg); err != nil {
			b.Fatal(err)
		}
	}
	c1.Close()
	<-done
}
