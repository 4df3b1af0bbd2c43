package socket

import (
	"net"
	"testing"
)

// TestSetLingerRecordsBlockingClose: a stream with SO_LINGER set to a
// timeout, by SetLinger or by package net before FromTCPConn took the
// connection over, is recorded on its FD, so that its close is made as a
// blocking system call; other settings (off, or 0: reset at once) keep
// the raw close.
func TestSetLingerRecordsBlockingClose(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	if err := c.(*net.TCPConn).SetLinger(5); err != nil {
		t.Fatal(err)
	}
	s, err := FromTCPConn(c.(*net.TCPConn))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.fd.Lingers() {
		t.Errorf("FromTCPConn of a connection with SO_LINGER 5s: Lingers() = false; want true")
	}
	for _, c := range []struct {
		sec  int
		want bool
	}{{0, false}, {2, true}, {-1, false}} {
		if err := s.SetLinger(c.sec); err != nil {
			t.Fatalf("SetLinger(%d) = %v", c.sec, err)
		}
		if got := s.fd.Lingers(); got != c.want {
			t.Errorf("after SetLinger(%d): Lingers() = %v; want %v", c.sec, got, c.want)
		}
	}
}
