package socket

import (
	"net"
	"testing"
)

// TestMadeStreamsAreSole: a stream whose descriptor eddy made itself (by
// Connect, ConnectUnix or UnixPair, as by accept) is sole, so that its
// Close makes no EPOLL_CTL_DEL; one eddy was handed (NewTCPStream,
// FromTCPConn) stays shared, and IntoTCPConn shares a sole one before it
// hands out a duplicate.
func TestMadeStreamsAreSole(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	c := &connect{raddr: ln.Addr().(*net.TCPAddr)}
	if err := c.start(); err != nil {
		t.Fatalf("connect start() = %v", err)
	}
	if !c.stream.fd.Sole() {
		t.Errorf("Connect's stream is not sole; want sole")
	}
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	nc, err := c.stream.IntoTCPConn()
	if err != nil {
		t.Fatalf("IntoTCPConn() = %v", err)
	}
	if c.stream.fd.Sole() {
		t.Errorf("IntoTCPConn left the stream sole; want it shared before the duplicate")
	}

	s, err := FromTCPConn(nc)
	if err != nil {
		t.Fatalf("FromTCPConn() = %v", err)
	}
	defer s.Close()
	if s.fd.Sole() {
		t.Errorf("FromTCPConn's stream is sole; want shared")
	}

	a, b, err := UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	if !a.fd.Sole() || !b.fd.Sole() {
		t.Errorf("UnixPair's streams sole = %v, %v; want both", a.fd.Sole(), b.fd.Sole())
	}

	path := t.TempDir() + "/s"
	uln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer uln.Close()
	cu := &connectUnix{path: path}
	if _, err := cu.start(); err != nil {
		t.Fatalf("connectUnix start() = %v", err)
	}
	defer cu.stream.Close()
	if !cu.stream.fd.Sole() {
		t.Errorf("ConnectUnix's stream is not sole; want sole")
	}
}
