package socket_test

import (
	"io"
	"net"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
)

// fullBacklogListener returns a listener on 127.0.0.1 made with backlog 0
// whose accept queue is already full: one connection, returned too, is
// queued and not accepted. Linux drops the SYN of the next connect, which
// completes only when the SYN is retransmitted (about 1 s later) after the
// queue was drained.
func fullBacklogListener(t *testing.T) (*net.TCPListener, net.Conn) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	f := os.NewFile(uintptr(fd), "backlog0")
	defer f.Close() // FileListener works on a duplicate
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatalf("listen: %v", err)
	}
	nl, err := net.FileListener(f)
	if err != nil {
		t.Fatalf("FileListener: %v", err)
	}
	l := nl.(*net.TCPListener)
	t.Cleanup(func() { l.Close() })
	first, err := net.DialTimeout("tcp", l.Addr().String(), 10*time.Second)
	if err != nil {
		t.Fatalf("first Dial: %v", err)
	}
	t.Cleanup(func() { first.Close() })
	// The dial returns at the SYN-ACK; the queue is full only once the
	// listener has had the final ACK. For a listening socket TCP_INFO's
	// unacked field is the length of the accept queue.
	rc, err := l.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	for try := 0; ; try++ {
		var queued uint32
		var infoErr error
		rc.Control(func(fd uintptr) {
			var info *unix.TCPInfo
			info, infoErr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
			if infoErr == nil {
				queued = info.Unacked
			}
		})
		if infoErr != nil {
			t.Fatalf("getsockopt(TCP_INFO): %v", infoErr)
		}
		if queued == 1 {
			return l, first
		}
		if try == 1000 {
			t.Fatalf("the first connection is not in the accept queue after %d looks", try)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestConnectTCPHandshakeNotDoneAtFirstPoll connects to a listener whose
// accept queue is full, so the handshake is not done when the connect
// future first looks at the socket: the new registration starts
// write-ready, SO_ERROR is 0 and getpeername answers ENOTCONN. That is a
// spurious wake-up, as in package net; the future must wait, connect once
// the queue is drained, and carry bytes both ways.
func TestConnectTCPHandshakeNotDoneAtFirstPoll(t *testing.T) {
	loop := loopkit.StartLoop(t)
	l, _ := fullBacklogListener(t)

	firstPending := make(chan struct{})
	stop := make(chan struct{})
	served, done := make(chan error, 1), make(chan struct{})
	defer func() { close(stop); <-done }() // the server ends with the test
	go func() {
		defer close(done)
		// Drain the queue only once the connect is in flight (its first
		// poll answered pending), so its SYN surely met the full queue.
		select {
		case <-firstPending:
		case <-stop:
			return
		}
		l.SetDeadline(time.Now().Add(10 * time.Second))
		queued, err := l.Accept()
		if err != nil {
			served <- err
			return
		}
		queued.Close()
		c, err := l.Accept() // eddy's, after the SYN retransmit
		if err != nil {
			served <- err
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		buf := make([]byte, 4)
		if _, err := io.ReadFull(c, buf); err != nil {
			served <- err
			return
		}
		if string(buf) != "ping" {
			served <- &net.AddrError{Err: "server read " + string(buf)}
			return
		}
		_, err = c.Write([]byte("pong"))
		served <- err
	}()

	connect := socket.ConnectTCP(l.Addr().String())
	polls := 0
	watched := future.PollFn(func(cx *future.Context) future.Poll[*socket.TCPStream] {
		p := connect.Poll(cx)
		polls++
		if polls == 1 && p.IsPending() {
			close(firstPending)
		}
		return p
	})
	buf := make([]byte, 4)
	ch := loopkit.Spawn(loop, combinators.AndThen(watched, func(s *socket.TCPStream) future.Future[string] {
		return combinators.AndThen(aio.WriteAll(s, []byte("ping")), func(int) future.Future[string] {
			return combinators.Map(aio.ReadExact(s, buf), func(int) string {
				s.Close()
				return string(buf)
			})
		})
	}))
	got, err := loopkit.Await(t, ch)
	if err != nil {
		t.Fatalf("ConnectTCP to a listener with a full accept queue = %v; want it to wait and connect", err)
	}
	if got != "pong" {
		t.Errorf("read back %q; want %q", got, "pong")
	}
	if polls < 2 {
		t.Errorf("the connect future was ready at its first poll; want it pending while the SYN waits")
	}
	if err := <-served; err != nil {
		t.Errorf("server: %v", err)
	}
}
