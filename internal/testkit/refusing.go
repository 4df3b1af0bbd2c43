//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package testkit

import (
	"net"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// RefusingAddr returns a 127.0.0.1 TCP address that refuses connections
// for the rest of the test: a socket is bound to it and never listens, so
// a connect there is answered with a reset (ECONNREFUSED).
//
// Closing a listener to get such an address is racy: the kernel may hand
// the freed port to the next bind to port 0 (a proxy under test that then
// connects to itself) or to another process. The bound socket holds the
// port until the test's cleanup closes it.
func RefusingAddr(t testing.TB) string {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	unix.CloseOnExec(fd)
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*unix.SockaddrInet4).Port))
}
