package sockaddr

import (
	"net"

	"github.com/eddyio/eddy/future"
)

// AdoptTCP wraps an accepted, non-blocking TCP socket whose addresses are
// known, without the system calls an exported constructor would make to
// check the socket and ask its addresses. The loop polling cx (the
// accepting task's) answers for the new stream from then on: it closes it
// if it shuts down before any task did. Package socket sets it in its
// init; package listener, which imports socket, calls it. The result is a
// *socket.TCPStream.
var AdoptTCP func(cx *future.Context, fd int, laddr, raddr net.Addr) any

// AdoptUnix is AdoptTCP for an accepted Unix stream socket, whose
// addresses are looked up. The result is a *socket.UnixStream.
var AdoptUnix func(cx *future.Context, fd int) any
