package socket

import "golang.org/x/sys/unix"

// noSignal is 0: darwin keeps a write to a connection the peer reset from
// raising SIGPIPE with the socket option SO_NOSIGPIPE instead, which every
// socket eddy opens, accepts or takes over has (see sockopen.NoSigpipe).
const noSignal = 0

// send writes p to the stream socket fd; SO_NOSIGPIPE makes a broken
// connection answer EPIPE whatever the process does with SIGPIPE.
func send(fd int, p []byte) (int, error) { return unix.Write(fd, p) }

// sendv writes the first non-empty buffer: x/sys has no writev here, and a
// partial write is within PollWriteVectored's contract.
func sendv(fd int, bufs [][]byte) (int, error) {
	for _, b := range bufs {
		if len(b) > 0 {
			return send(fd, b)
		}
	}
	return 0, nil
}
