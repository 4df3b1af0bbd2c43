package aio

import (
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"

	"github.com/eddyio/eddy/future"
)

// The bridges from blocking I/O.
//
// A blocking io.Reader, io.Writer or net.Conn that is not an eddy socket
// (a tls.Conn, a net.Pipe, a file the reactor cannot poll) can only be
// read or written by a goroutine that blocks. The bridges hide that
// goroutine behind the non-blocking interfaces: one goroutine per direction
// at most, started by the first poll that needs it and gone once the bridge
// is closed or the source reaches its end or an error, and one bounded
// buffer of [BridgeBuffer] bytes between it and the tasks.

// BridgeBuffer is the size of the buffer between a bridge's goroutine and
// its tasks: a [ReaderBridge] reads up to this many bytes ahead, and a
// [WriterBridge] accepts up to this many bytes before it answers pending.
const BridgeBuffer = 16 << 10

// ErrUnflushed is what closing a [WriterBridge] answers when bytes it had
// accepted were not written yet: they are dropped, and Close says so.
var ErrUnflushed = errors.New("aio: writer bridge closed with bytes not yet written")

// errBridgeClosed is what a closed bridge answers; it matches
// net.ErrClosed, as a closed socket's errors do.
var errBridgeClosed = fmt.Errorf("aio: bridge closed: %w", net.ErrClosed)

// errWriteAfterShutdown is what a writer bridge answers to a write after
// its PollShutdown.
var errWriteAfterShutdown = errors.New("aio: write after shutdown")

// ConnBridge is a net.Conn (or any blocking connection) seen as an
// [AsyncReader] and [AsyncWriter]: a [ReaderBridge] and a [WriterBridge]
// over the same connection, with two goroutines at most. Close closes the
// connection, which ends both.
type ConnBridge struct {
	*ReaderBridge
	*WriterBridge
	c net.Conn
}

// FromConn returns c as an AsyncReader and AsyncWriter for tasks. The
// bridge owns c: its Close closes c. PollShutdown flushes, then calls c's
// CloseWrite if it has one (*net.TCPConn, *net.UnixConn, *tls.Conn do; a
// net.Pipe does not, so its peer sees no end of input before Close).
//
// Its cost is that of the two halves: a goroutine per direction while the
// direction is in use (a reading goroutine is parked in c.Read for as long
// as the connection is idle) and a buffer of [BridgeBuffer] bytes each.
func FromConn(c net.Conn) *ConnBridge {
	b := &ConnBridge{ReaderBridge: newReaderBridge(c, nil), WriterBridge: newWriterBridge(c, nil), c: c}
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		b.WriterBridge.shutdown = cw.CloseWrite
	}
	return b
}

// Close closes the connection: the goroutines end as soon as the blocking
// call each is in returns, which closing the connection makes it do. Bytes
// accepted and not yet written are dropped ([ErrUnflushed]). Close does
// not block, so a task may call it.
func (b *ConnBridge) Close() error {
	rerr := b.ReaderBridge.stop()
	werr := b.WriterBridge.stop()
	cerr := b.c.Close()
	return errors.Join(cerr, rerr, werr)
}

// closeIfCloser closes v if it is an io.Closer.
func closeIfCloser(v any) error {
	if c, ok := v.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// call runs a Read or Write of the user's on a bridge's goroutine, where a
// panic would end the process: it becomes the bridge's error instead, a
// *future.PanicError naming the reader's or writer's type.
func call(v any, f func() (int, error)) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, &future.PanicError{Future: fmt.Sprintf("%T", v), Value: r, Stack: debug.Stack()}
		}
	}()
	return f()
}
