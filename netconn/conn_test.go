package netconn_test

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/nettest"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/netconn"
	"github.com/eddyio/eddy/socket"
)

// tcpPair returns the two ends of a TCP connection over 127.0.0.1, both
// eddy sockets seen as Conns on loop: the accepted end through a Listener,
// the connecting end through a connect future run on the loop.
func tcpPair(t testing.TB, loop *driver.Loop) (accepted, connected *netconn.Conn) {
	t.Helper()
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := netconn.FromTCPListener(l, loop)
	defer ln.Close()
	s, err := loopkit.Await(t, loopkit.Spawn(loop, socket.ConnectTCP(l.Addr().String())))
	if err != nil {
		t.Fatalf("ConnectTCP() = %v", err)
	}
	c, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept() = %v", err)
	}
	return c.(*netconn.Conn), netconn.FromTCP(s, loop)
}

// unixPair returns the two ends of a pair of connected Unix sockets seen as
// Conns on loop.
func unixPair(t testing.TB, loop *driver.Loop) (*netconn.Conn, *netconn.Conn) {
	t.Helper()
	a, b, err := socket.UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	return netconn.FromUnix(a, loop), netconn.FromUnix(b, loop)
}

// makePipe adapts a pair maker to nettest's MakePipe.
func makePipe(t *testing.T, loop *driver.Loop, pair func(testing.TB, *driver.Loop) (*netconn.Conn, *netconn.Conn)) nettest.MakePipe {
	return func() (c1, c2 net.Conn, stop func(), err error) {
		a, b := pair(t, loop)
		return a, b, func() { a.Close(); b.Close() }, nil
	}
}

// TestConnTCP runs the conformance suite of golang.org/x/net/nettest over
// two eddy TCP sockets.
func TestConnTCP(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	nettest.TestConn(t, makePipe(t, loop, tcpPair))
}

// TestConnUnix runs the conformance suite over a pair of eddy Unix sockets.
func TestConnUnix(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	nettest.TestConn(t, makePipe(t, loop, unixPair))
}

// TestConnErrors checks the shape of the errors: timeouts and closed
// conns are *net.OpError values that match os.ErrDeadlineExceeded and
// net.ErrClosed, with the operation, the network and the addresses.
func TestConnErrors(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	a, b := tcpPair(t, loop)
	defer b.Close()

	a.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	_, err := a.Read(make([]byte, 8))
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "read" || oe.Net != "tcp" || !errors.Is(err, os.ErrDeadlineExceeded) || !oe.Timeout() {
		t.Fatalf("Read() past the deadline = %#v; want a read *net.OpError matching os.ErrDeadlineExceeded", err)
	}
	if oe.Source.String() != a.LocalAddr().String() || oe.Addr.String() != a.RemoteAddr().String() {
		t.Errorf("error addresses = %v, %v; want %v, %v", oe.Source, oe.Addr, a.LocalAddr(), a.RemoteAddr())
	}
	if a.LocalAddr().String() != b.RemoteAddr().String() || a.RemoteAddr().String() != b.LocalAddr().String() {
		t.Errorf("addresses: a %v->%v, b %v->%v; want crossed", a.LocalAddr(), a.RemoteAddr(), b.LocalAddr(), b.RemoteAddr())
	}

	// A Read blocked with no deadline is woken by Close.
	a.SetReadDeadline(time.Time{})
	done := make(chan error, 1)
	go func() {
		_, err := a.Read(make([]byte, 8))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	if err := a.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	select {
	case err := <-done:
		if !errors.As(err, &oe) || oe.Op != "read" || !errors.Is(err, net.ErrClosed) {
			t.Errorf("blocked Read() after Close = %v; want a read *net.OpError matching net.ErrClosed", err)
		}
	case <-time.After(loopkit.Timeout):
		t.Fatal("Close did not wake the blocked Read")
	}
	for name, err := range map[string]error{
		"Close":       a.Close(),
		"SetDeadline": a.SetDeadline(time.Now()),
		"Write":       func() error { _, err := a.Write([]byte("x")); return err }(),
	} {
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s() after Close = %v; want net.ErrClosed", name, err)
		}
	}
}

// TestConnHalfClose checks CloseWrite and CloseRead over TCP and Unix
// sockets: the peer reads EOF after the data, and a blocked Read of the
// side shut down returns EOF.
func TestConnHalfClose(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	for name, pair := range map[string]func(testing.TB, *driver.Loop) (*netconn.Conn, *netconn.Conn){"tcp": tcpPair, "unix": unixPair} {
		t.Run(name, func(t *testing.T) {
			a, b := pair(t, loop)
			defer a.Close()
			defer b.Close()
			if _, err := a.Write([]byte("bye")); err != nil {
				t.Fatal(err)
			}
			if err := a.CloseWrite(); err != nil {
				t.Fatalf("CloseWrite() = %v", err)
			}
			got, err := io.ReadAll(b)
			if string(got) != "bye" || err != nil {
				t.Errorf("ReadAll() = %q, %v; want %q, nil", got, err, "bye")
			}
			// b can still write to a, which can still read.
			if _, err := b.Write([]byte("ok")); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 2)
			if _, err := io.ReadFull(a, buf); err != nil || string(buf) != "ok" {
				t.Errorf("ReadFull() = %q, %v; want ok", buf, err)
			}

			var wg sync.WaitGroup
			var rerr error
			wg.Go(func() { _, rerr = b.Read(buf) })
			time.Sleep(20 * time.Millisecond)
			if err := b.CloseRead(); err != nil {
				t.Fatalf("CloseRead() = %v", err)
			}
			wg.Wait()
			if rerr != io.EOF {
				t.Errorf("blocked Read() after CloseRead = %v; want io.EOF", rerr)
			}
		})
	}
}

// TestConnAllocs: a write and a read through Conns allocate nothing once
// the sockets are registered.
func TestConnAllocs(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	a, b := unixPair(t, loop)
	defer a.Close()
	defer b.Close()
	msg, buf := make([]byte, 64), make([]byte, 64)
	roundTrip := func() {
		if _, err := a.Write(msg); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(b, buf); err != nil {
			t.Fatal(err)
		}
	}
	roundTrip() // registers both
	if n := testing.AllocsPerRun(100, roundTrip); n != 0 {
		t.Errorf("a write and a read allocate %v times; want 0", n)
	}
}
