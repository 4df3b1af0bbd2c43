// Package socket provides non-blocking sockets driven by eddy's reactor:
// [TCPStream] (connected with [ConnectTCP]), [UDPSocket], [UnixStream]
// (connected with [ConnectUnix], or made in pairs by [UnixPair]) and
// [UnixDatagram]. Listening sockets are in package listener.
//
// # Registration and readiness
//
// A socket is registered with the reactor of the driver loop that first
// polls it, once, edge-triggered for both reading and writing, and belongs
// to that loop from then on: polling it from another loop fails with a
// clear error. Readiness is cleared only when the kernel answers EAGAIN, so
// a reader keeps reading until then, and while a side is known not ready a
// poll makes no system call: it parks the task's waker and answers pending.
// Spurious wake-ups are harmless: a woken task that finds nothing to read
// gets EAGAIN and parks again.
//
// # One reader and one writer
//
// A socket keeps one waker for a task reading and one for a task writing.
// Split it ([TCPStream.Split]) to read in one task and write in another;
// two tasks reading the same socket at once is a bug. The halves
// ([ReadHalf], [WriteHalf]) are views of the stream: splitting allocates
// nothing.
//
// # Errors and closing
//
// Errors are *net.OpError values naming the operation and the addresses,
// wrapping an *os.SyscallError that unwraps to the syscall.Errno, so
// errors.Is(err, syscall.ECONNRESET) works; the orderly end of input is
// io.EOF; a closed socket answers net.ErrClosed. [TCPStream.Close]
// deregisters the socket, wakes every task parked on it, and closes the
// descriptor exactly once; it is safe from any goroutine. A loop that shuts
// down closes every socket still registered with it.
package socket
