//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package testkit

import (
	"testing"

	"golang.org/x/sys/unix"
)

// SocketPair returns a connected, non-blocking, close-on-exec pair of Unix
// stream sockets, for tests that register raw descriptors. The caller
// closes them.
func SocketPair(t testing.TB) (a, b int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatalf("Socketpair() = %v", err)
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			t.Fatalf("SetNonblock(%d) = %v", fd, err)
		}
	}
	return fds[0], fds[1]
}
