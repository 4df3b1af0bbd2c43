package sockopen

import (
	"errors"
	"net"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
)

// listenOn opens a non-blocking listening socket bound to sa.
func listenOn(t *testing.T, family int, sa unix.Sockaddr) (int, error) {
	t.Helper()
	fd, err := Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		return -1, err
	}
	if err := unix.Bind(fd, sa); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := unix.Listen(fd, 8); err != nil {
		unix.Close(fd)
		return -1, err
	}
	t.Cleanup(func() { unix.Close(fd) })
	return fd, nil
}

// dial connects a blocking client socket to the listener ln and returns
// it with its own address, which the accepted side must report as its peer.
func dial(t *testing.T, family, ln int) (int, unix.Sockaddr) {
	t.Helper()
	to, err := unix.Getsockname(ln)
	if err != nil {
		t.Fatal(err)
	}
	c, err := unix.Socket(family, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(c) })
	if err := unix.Connect(c, to); err != nil {
		t.Fatal(err)
	}
	self, err := unix.Getsockname(c)
	if err != nil {
		t.Fatal(err)
	}
	return c, self
}

// acceptOne accepts the connection dial made and checks the new socket's
// flags.
func acceptOne(t *testing.T, ln int) sockaddr.Inet {
	t.Helper()
	nfd, peer, err := Accept(ln)
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	defer unix.Close(nfd)
	if fl, err := unix.FcntlInt(uintptr(nfd), unix.F_GETFL, 0); err != nil || fl&unix.O_NONBLOCK == 0 {
		t.Errorf("accepted socket flags %#x, %v: not non-blocking", fl, err)
	}
	if fl, err := unix.FcntlInt(uintptr(nfd), unix.F_GETFD, 0); err != nil || fl&unix.FD_CLOEXEC == 0 {
		t.Errorf("accepted socket fd flags %#x, %v: not close-on-exec", fl, err)
	}
	return peer
}

// TestAcceptIPv4: Accept answers the client's address and port as the peer.
func TestAcceptIPv4(t *testing.T) {
	ln, err := listenOn(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, self := dial(t, unix.AF_INET, ln)
	if got, want := acceptOne(t, ln), sockaddr.InetFromSockaddr(self); got != want {
		t.Errorf("peer = %+v; want %+v", got, want)
	}
}

// TestAcceptIPv6Zone: an IPv6 peer comes with its address, port and scope,
// on [::1] (the tests use loopback only). The listener is bound with lo's
// index as its scope where there is an lo; the kernel keeps scopes for
// link-local addresses only, so the peer's is the one the client's own
// address reports (0), and decoding a non-zero scope is TestInetFromRaw's
// part. Without IPv6 the test is skipped.
func TestAcceptIPv6Zone(t *testing.T) {
	sa := &unix.SockaddrInet6{Addr: [16]byte{15: 1}}
	if lo, err := net.InterfaceByName("lo"); err == nil {
		sa.ZoneId = uint32(lo.Index)
	}
	ln, err := listenOn(t, unix.AF_INET6, sa)
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	_, self := dial(t, unix.AF_INET6, ln)
	got, want := acceptOne(t, ln), sockaddr.InetFromSockaddr(self)
	if got != want || got.Family != sockaddr.FamilyInet6 {
		t.Errorf("peer = %+v; want %+v", got, want)
	}
}

// TestAcceptUnix: a Unix connection is accepted with a Unix (pathless)
// peer.
func TestAcceptUnix(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s")
	ln, err := listenOn(t, unix.AF_UNIX, &unix.SockaddrUnix{Name: path})
	if err != nil {
		t.Fatal(err)
	}
	dial(t, unix.AF_UNIX, ln)
	if got := acceptOne(t, ln); got != (sockaddr.Inet{Family: sockaddr.FamilyUnix}) {
		t.Errorf("peer = %+v; want a Unix address", got)
	}
}

// TestAcceptNothingWaiting: with no connection waiting, Accept answers the
// raw EAGAIN (which the reactor turns into pending) and no descriptor.
func TestAcceptNothingWaiting(t *testing.T) {
	ln, err := listenOn(t, unix.AF_INET, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	nfd, peer, err := Accept(ln)
	if !errors.Is(err, unix.EAGAIN) || err != unix.EAGAIN {
		t.Errorf("Accept with nothing waiting: err = %v; want the bare EAGAIN", err)
	}
	if nfd != -1 || peer != (sockaddr.Inet{}) {
		t.Errorf("Accept with nothing waiting = %d, %+v; want -1 and no address", nfd, peer)
	}
}
