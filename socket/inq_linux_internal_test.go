//go:build linux

package socket

import (
	"bytes"
	"net"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// TestIntoTCPConnTurnsInqOff: a connected stream whose read filled its
// buffer has TCP_INQ on, so that its reads say what they left
// (netpoll.FD.SetTCP); IntoTCPConn turns it off before it hands out the
// duplicate, whose recvmsg then finds no control message it did not
// ask for.
func TestIntoTCPConnTurnsInqOff(t *testing.T) {
	loop := loopkit.StartLoop(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	s, err := loopkit.Await(t, loopkit.Spawn(loop, ConnectTCP(ln.Addr().String())))
	if err != nil {
		t.Fatalf("ConnectTCP() = %v", err)
	}
	defer s.Close()
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()

	want := bytes.Repeat([]byte("z"), 512)
	if _, err := peer.Write(want); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len(want))
	read := future.PollFn(func(cx *future.Context) future.Poll[int] { return s.PollRead(cx, buf) })
	if n, err := loopkit.Await(t, loopkit.Spawn(loop, read)); err != nil || n != len(want) {
		t.Fatalf("PollRead = %d, %v; want a full read of %d", n, err, len(want))
	}
	if on, err := s.getsockopt(unix.IPPROTO_TCP, unix.TCP_INQ); err != nil || on != 1 {
		t.Fatalf("TCP_INQ after a full read = %d, %v; want 1", on, err)
	}

	nc, err := s.IntoTCPConn()
	if err != nil {
		t.Fatalf("IntoTCPConn() = %v", err)
	}
	defer nc.Close()
	if _, err := peer.Write([]byte("more")); err != nil {
		t.Fatal(err)
	}
	raw, err := nc.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var (
		n, oobn int
		rerr    error
		oob     = make([]byte, 64)
	)
	err = raw.Read(func(fd uintptr) bool {
		n, oobn, _, _, rerr = unix.Recvmsg(int(fd), buf, oob, 0)
		return rerr != unix.EAGAIN
	})
	if err != nil || rerr != nil || string(buf[:n]) != "more" || oobn != 0 {
		t.Fatalf("recvmsg = %q, %d bytes of control message, %v, %v; want \"more\", none", buf[:n], oobn, err, rerr)
	}
}
