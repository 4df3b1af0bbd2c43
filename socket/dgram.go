package socket

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ErrTruncated is wrapped by the error of a receive whose datagram was
// larger than the buffer: the part that fit is in the buffer, the rest was
// discarded by the kernel. Test for it with errors.Is(err,
// socket.ErrTruncated); errors.As with a *[TruncatedError] gives the sizes.
var ErrTruncated = errors.New("datagram truncated")

// TruncatedError reports a datagram larger than the receive buffer. It
// unwraps to [ErrTruncated].
type TruncatedError struct {
	// Len is the full length of the datagram, or 0 where the system does
	// not report it (the BSDs).
	Len int
	// Cap is the size of the buffer, which holds the first Cap bytes.
	Cap int
}

func (e *TruncatedError) Error() string {
	if e.Len > 0 {
		return fmt.Sprintf("datagram truncated: %d bytes did not fit a %d-byte buffer", e.Len, e.Cap)
	}
	return fmt.Sprintf("datagram truncated: larger than the %d-byte buffer", e.Cap)
}

// Unwrap returns ErrTruncated.
func (e *TruncatedError) Unwrap() error { return ErrTruncated }

// message is what one recvmsg(2) returned.
type message struct {
	n     int           // bytes stored in the buffer
	full  int           // the datagram's full length when truncated, 0 if unknown
	trunc bool          // the datagram did not fit
	from  unix.Sockaddr // the sender, nil on a connected socket
}

// recvmsg receives one datagram into p and detects truncation from the
// MSG_TRUNC flag recvmsg returns. On Linux, recvFlags asks for the real
// length as the result, so the full size of a truncated datagram is known.
func recvmsg(fd int, p []byte) (message, error) {
	n, _, flags, from, err := unix.Recvmsg(fd, p, nil, recvFlags)
	if err != nil {
		return message{}, err
	}
	m := message{n: n, from: from}
	if flags&unix.MSG_TRUNC != 0 {
		m.trunc = true
		if n > len(p) {
			m.full = n
		}
	}
	m.n = min(n, len(p))
	return m, nil
}

// truncation returns the *TruncatedError of m, or nil.
func (m message) truncation(p []byte) error {
	if !m.trunc {
		return nil
	}
	return &TruncatedError{Len: m.full, Cap: len(p)}
}

// sendmsg sends p as one datagram to sa (nil on a connected socket).
func sendmsg(fd int, p []byte, sa unix.Sockaddr) (int, error) {
	n, err := unix.SendmsgN(fd, p, nil, sa, 0)
	if n < 0 {
		n = 0
	}
	return n, err
}
