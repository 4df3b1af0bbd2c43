//go:build dragonfly || freebsd || netbsd || openbsd

package socket

import "golang.org/x/sys/unix"

// noSignal is the send flag that keeps a write to a connection the peer
// reset (EPIPE) from raising SIGPIPE.
const noSignal = unix.MSG_NOSIGNAL

// send writes p to the stream socket fd with MSG_NOSIGNAL, so that a
// broken connection answers EPIPE whatever the process does with SIGPIPE.
func send(fd int, p []byte) (int, error) {
	return unix.SendmsgN(fd, p, nil, nil, noSignal)
}

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
