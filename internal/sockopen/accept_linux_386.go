package sockopen

import (
	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
)

// Accept accepts a connection on the listening socket fd; the new socket is
// non-blocking and close-on-exec. (linux/386 reaches accept4 through
// socketcall, so x/sys makes the call.)
func Accept(fd int) (int, sockaddr.Inet, error) {
	nfd, sa, err := unix.Accept4(fd, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
	if err != nil {
		return -1, sockaddr.Inet{}, err
	}
	return nfd, sockaddr.InetFromSockaddr(sa), nil
}
