//go:build darwin || dragonfly || freebsd || netbsd || openbsd

package netpoll

import "golang.org/x/sys/unix"

// rawRead is read(2); on these systems system calls go through libc, so
// x/sys's ordinary wrapper is used.
func rawRead(fd int, p []byte) (int, error) {
	n, err := unix.Read(fd, p)
	if n < 0 {
		n = 0
	}
	return n, err
}

// tcpInq is 0: there is no TCP_INQ here, and SetTCP does nothing.
const tcpInq = 0

// rawRecvInq is never called here (fdInq is never set); it reads as
// rawRead does, with what is left unknown.
func rawRecvInq(fd int, p []byte) (n, left int, err error) {
	n, err = rawRead(fd, p)
	return n, -1, err
}

// closeSysfd closes fd (through libc, as every call here).
func closeSysfd(fd int, _ bool) { unix.Close(fd) }
