package socket

import (
	"net"
	"sync"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
	"github.com/eddyio/eddy/internal/sockdup"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// loopbackConn returns the descriptor of a connected TCP client on
// 127.0.0.1 (a duplicate the caller owns) and the addresses of the
// connection. The net ends are closed before it returns, the server's only
// when the test ends.
func loopbackConn(t *testing.T) (fd int, laddr, raddr *net.TCPAddr) {
	t.Helper()
	l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c, err := net.DialTCP("tcp", nil, l.Addr().(*net.TCPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	peer, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })
	fd, err = sockdup.DupConn(c)
	if err != nil {
		t.Fatal(err)
	}
	return fd, c.LocalAddr().(*net.TCPAddr), c.RemoteAddr().(*net.TCPAddr)
}

// reuseNumber puts another socket, a UDP socket bound to 127.0.0.1, at the
// descriptor number n and returns its address; the descriptor is closed
// when the test ends. It reports false, taking nothing, if n is no longer
// free (something else of the process took it).
func reuseNumber(t *testing.T, n int) (*net.UDPAddr, bool) {
	t.Helper()
	u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	fd, err := sockdup.DupConn(u)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	// The lowest free number from n on: n itself, unless it was taken
	// (dup2 onto it would close what took it).
	got, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, n)
	if err != nil {
		t.Fatalf("fcntl(F_DUPFD_CLOEXEC, %d): %v", n, err)
	}
	if got != n {
		unix.Close(got)
		return nil, false
	}
	t.Cleanup(func() { unix.Close(n) })
	return u.LocalAddr().(*net.UDPAddr), true
}

// TestAddrsAfterCloseAndReuse closes streams whose addresses were never
// asked, lets another socket take their descriptor number, and checks that
// the addresses they answer are not that other socket's: a closed stream
// asks the kernel nothing.
func TestAddrsAfterCloseAndReuse(t *testing.T) {
	loopkit.NoLeaks(t)
	none := func(*net.TCPAddr) net.Addr { return nil }
	same := func(a *net.TCPAddr) net.Addr { return a }
	checks := []struct {
		name                  string
		open                  func(fd int, laddr, raddr *net.TCPAddr) *TCPStream
		wantLocal, wantRemote func(*net.TCPAddr) net.Addr
	}{
		{"a stream of a descriptor", func(fd int, _, _ *net.TCPAddr) *TCPStream { return newTCPStream(fd) },
			none, none},
		{"an accepted stream whose local address is looked up on use", func(fd int, _, raddr *net.TCPAddr) *TCPStream {
			s := newTCPStream(fd)
			s.setAddrs(nil, raddr) // as accept on a listener bound to every address
			return s
		}, none, same},
		{"an accepted stream of a listener bound to one address", func(fd int, laddr, raddr *net.TCPAddr) *TCPStream {
			s := newTCPStream(fd)
			sa, _, err := sockaddr.FromTCP(raddr)
			if err != nil {
				t.Fatal(err)
			}
			s.setPeer(sharedLocal(laddr), sockaddr.InetFromSockaddr(sa)) // as listener's accept
			return s
		}, same, same},
	}
	for _, c := range checks {
		var (
			s      *TCPStream
			fd     int
			laddr  *net.TCPAddr
			raddr  *net.TCPAddr
			other  *net.UDPAddr
			reused bool
		)
		for try := 0; !reused; try++ {
			if try == 10 {
				t.Fatalf("%s: the closed descriptor's number was taken by something else 10 times", c.name)
			}
			fd, laddr, raddr = loopbackConn(t)
			s = c.open(fd, laddr, raddr)
			if err := s.Close(); err != nil {
				t.Fatalf("%s: Close() = %v", c.name, err)
			}
			other, reused = reuseNumber(t, fd)
		}
		got, want := s.LocalAddr(), c.wantLocal(laddr)
		if (got == nil) != (want == nil) || got != nil && got.String() != want.String() {
			t.Errorf("%s: LocalAddr() after Close, with descriptor %d now another socket's (%v) = %v; want %v",
				c.name, fd, other, got, want)
		}
		got, want = s.RemoteAddr(), c.wantRemote(raddr)
		if (got == nil) != (want == nil) || got != nil && got.String() != want.String() {
			t.Errorf("%s: RemoteAddr() after Close, with descriptor %d now another socket's (%v) = %v; want %v",
				c.name, fd, other, got, want)
		}
	}
}

// TestAddrsRaceClose asks the addresses of a stream on some goroutines
// while others close it and format its errors: under -race the address
// cache must be read only after its one lookup.
func TestAddrsRaceClose(t *testing.T) {
	loopkit.NoLeaks(t)
	for range 20 {
		fd, _, _ := loopbackConn(t)
		s := newTCPStream(fd)
		start := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(3)
		go func() {
			defer wg.Done()
			<-start
			s.LocalAddr()
			s.RemoteAddr()
		}()
		go func() {
			defer wg.Done()
			<-start
			s.Close()
			if err := s.Close(); err != nil {
				_ = err.Error()
			}
		}()
		go func() {
			defer wg.Done()
			<-start
			_ = s.opError("write", net.ErrClosed).Error()
		}()
		close(start)
		wg.Wait()
		s.Close()
	}
}

// TestStreamSize keeps a stream, its FD and its peer's address inline, in
// the 48-byte size class: an idle accepted connection pays for one, and
// for no address until one is asked.
func TestStreamSize(t *testing.T) {
	if n := unsafe.Sizeof(TCPStream{}); n > 48 {
		t.Errorf("a TCPStream is %d bytes; want at most 48", n)
	}
}

// TestSharedLocalAddress accepts two connections from a listener bound to
// 127.0.0.1: until their addresses are asked, both streams point to the one
// local address the listener shares, and hold none of their own; asked,
// each answers its own pair, and the shared value is left as it was.
func TestSharedLocalAddress(t *testing.T) {
	loopkit.NoLeaks(t)
	var streams [2]*TCPStream
	var peers [2]*net.TCPAddr
	shared := sharedLocal(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 4242})
	for i := range streams {
		fd, _, raddr := loopbackConn(t)
		// The client's end stands in for an accepted stream: its peer is
		// raddr, and it is handed the shared local address.
		sa, _, err := sockaddr.FromTCP(raddr)
		if err != nil {
			t.Fatal(err)
		}
		s := newTCPStream(fd)
		s.setPeer(shared, sockaddr.InetFromSockaddr(sa))
		t.Cleanup(func() { s.Close() })
		streams[i], peers[i] = s, raddr
		if got := s.named.Load(); got != shared {
			t.Fatalf("stream %d holds %p before any address is asked; want the shared %p", i, got, shared)
		}
	}
	for i, s := range streams {
		if got := s.LocalAddr().String(); got != "127.0.0.1:4242" {
			t.Errorf("stream %d: LocalAddr() = %s; want the listener's 127.0.0.1:4242", i, got)
		}
		if got, want := s.RemoteAddr().String(), peers[i].String(); got != want {
			t.Errorf("stream %d: RemoteAddr() = %s; want %s", i, got, want)
		}
		if got := s.named.Load(); got == shared || got.shared {
			t.Errorf("stream %d still holds the shared addresses after they were asked", i)
		}
	}
	if shared.raddr != nil || !shared.shared {
		t.Errorf("the shared addresses were changed: %+v", shared)
	}
}
