// Package netconn shows eddy's stream sockets and listeners to the Go
// ecosystem: a [Conn] is a net.Conn and a [Listener] a net.Listener for
// ordinary goroutines, so crypto/tls, net/http and every library that takes
// a net.Conn or a net.Listener run over eddy sockets.
//
//	l, _ := listener.BindTCP("127.0.0.1:0")
//	go http.Serve(netconn.FromTCPListener(l, loop), handler)
//
// # Blocking on the loop's readiness
//
// A Conn makes its system calls on the calling goroutine, as package net
// does, and waits on the reactor of an eddy loop when the socket is not
// ready: the socket is registered once, with that loop, edge-triggered, and
// a blocked Read parks on a channel that the waker of the socket's read side
// signals. There is no second poller and no busy polling. The loop must be
// running (a [driver.Runtime]'s loop, or a loop that a goroutine drives with
// [driver.BlockOn]); a socket that is already registered with another loop
// answers [driver.ErrWrongLoop] to the first Read or Write. The calls block:
// they are for goroutines, never for a task, whose loop they would stop
// (tasks use the socket itself, or [aio.FromConn] for a net.Conn that is
// not an eddy socket).
//
// # Deadlines and closing
//
// Deadlines are those of net.Conn: a call that passes one fails with an
// error that matches os.ErrDeadlineExceeded and whose Timeout() is true; a
// deadline set while a call waits applies to it at once. Close wakes the
// calls waiting (they fail with net.ErrClosed) and closes the socket; a
// Listener's Close wakes a waiting Accept likewise. Errors are *net.OpError
// values, as package net's are.
//
// # Cost
//
// A Conn holds no goroutine and no buffer: its waiting state is the Conn,
// two small channels and two task contexts, about 550 bytes on top of the
// socket, and a deadline costs a runtime timer while it is set. Each wake-up goes
// through the loop (the reactor's event, then the channel), one hop more
// than package net's own poller; docs/interop.md has the measurement.
package netconn
