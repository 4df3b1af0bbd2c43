//go:build !linux

package socket

import (
	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/internal/sockaddr"
)

// recvmsg receives one datagram into p and detects truncation from the
// MSG_TRUNC flag recvmsg returns. x/sys's Recvmsg allocates the sender's
// address; Linux's recvmsg does not (dgram_linux.go).
func recvmsg(fd int, p []byte) (message, error) {
	n, _, flags, from, err := unix.Recvmsg(fd, p, nil, recvFlags)
	if err != nil {
		return message{}, err
	}
	var m message
	m.received(p, n, flags)
	if s, ok := from.(*unix.SockaddrUnix); ok {
		m.from.path = s.Name
	} else if from != nil {
		m.from.inet = sockaddr.InetFromSockaddr(from)
	}
	return m, nil
}

// sendmsg sends p as one datagram to to (the zero dest: the connected
// peer). It never raises SIGPIPE (the BSDs raise it for a datagram socket
// whose sending side is shut down).
func sendmsg(fd int, p []byte, to *dest) (int, error) {
	n, err := unix.SendmsgN(fd, p, nil, to.sockaddr(), noSignal)
	if n < 0 {
		n = 0
	}
	return n, err
}
