package sockaddr

import "net"

// AdoptTCP wraps an accepted, non-blocking TCP socket whose addresses are
// known, without the system calls an exported constructor would make to
// check the socket and ask its addresses. Package socket sets it in its
// init; package listener, which imports socket, calls it. The result is a
// *socket.TCPStream.
var AdoptTCP func(fd int, laddr, raddr net.Addr) any
