//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package socket

import "golang.org/x/sys/unix"

// writev writes the first non-empty buffer: x/sys has no writev here, and a
// partial write is within PollWriteVectored's contract.
func writev(fd int, bufs [][]byte) (int, error) {
	for _, b := range bufs {
		if len(b) > 0 {
			return unix.Write(fd, b)
		}
	}
	return 0, nil
}
