package sockopen

import "golang.org/x/sys/unix"

// NoSigpipe makes a write to fd, a socket whose connection is broken,
// answer EPIPE without raising SIGPIPE. darwin has no MSG_NOSIGNAL for
// send, so every socket eddy opens, accepts or takes over gets the socket
// option SO_NOSIGPIPE; elsewhere the writes pass MSG_NOSIGNAL and this
// does nothing. The error is the raw errno.
func NoSigpipe(fd int) error {
	return unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1)
}
