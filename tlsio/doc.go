// Package tlsio runs TLS, the standard crypto/tls, over any
// [aio.AsyncReadWriter] (a socket.TCPStream, a Unix stream, anything that
// reads and writes without blocking) as a [Stream] that tasks read and
// write like the stream below: an [aio.AsyncReader], [aio.AsyncWriter] and
// [aio.ReadinessReader], with the handshake as a future ([Stream.Handshake]).
//
// It is named tlsio, not tls, so that its users can import crypto/tls
// beside it for the tls.Config.
//
//	s := tlsio.Server(conn, cfg) // lazy: nothing happens until polled
//	lines := codec.ReadLines(s)        // the first read runs the handshake
//
// # How it works
//
// A tls.Conn reads and writes a net.Conn; a Stream gives it one of its own
// whose I/O never blocks. After the handshake, every call into the tls.Conn
// is made from inside a poll of the Stream, on the loop:
//
//   - Reading. The conn's Read reads the stream below, with the polling
//     task's context, straight into crypto/tls's own raw-input buffer. When
//     that read is pending it answers an error whose Temporary method
//     reports true; crypto/tls (readRecordOrCCS) does not make such an error
//     sticky and keeps the partial record it holds, so the Stream answers
//     pending and the next poll goes on where it stopped. Post-handshake
//     messages go through the same path: a TLS 1.3 session ticket is stored,
//     a KeyUpdate is answered (crypto/tls writes the answer during the read).
//   - Writing. crypto/tls makes write errors sticky, so the conn's Write
//     never fails: it appends the records to the Stream's output buffer,
//     which the Stream writes to the stream below at once and, for what it
//     does not take, on the next write, flush or shutdown. PollWrite applies
//     backpressure before calling tls.Conn.Write: it takes at most 16 KiB,
//     and answers pending while records of an earlier write wait.
//   - The handshake. crypto/tls's handshake is one straight-line function
//     whose error is sticky, so it cannot stop at "would block" and resume.
//     It runs on a goroutine that exists only while the handshake runs; its
//     conn hands each read and write to the loop through a small exchange
//     (post the operation, wake the tasks waiting on the handshake, wait for
//     the answer), and the task that polls does the non-blocking I/O on the
//     loop into or out of the goroutine's buffer. crypto/tls's QUIC API does
//     the same: QUICConn.Start runs the handshake on a goroutine.
//
// Renegotiation (TLS 1.2) would run a handshake inside a read, so it is
// refused: a config that allows it is copied with RenegotiateNever, which is
// crypto/tls's default.
//
// # Cost
//
// One goroutine per connection while its handshake runs, and a few
// hand-offs between it and the loop per flight of messages; the handshake's
// computation (signatures, key exchange, the config's callbacks) runs on
// that goroutine, not on the loop. None after the handshake. The Stream's
// output buffer is taken from a shared pool when there is something to
// write and given back once it is written, and reads need no buffer of the
// Stream's, so an idle Stream holds no buffer of eddy's. crypto/tls itself
// keeps, per connection: its Conn, the AEAD state of each direction and the
// traffic secrets, and the arrays of its raw-input and handshake buffers,
// which it never gives back (the raw input grows to the largest record read).
//
// # Errors
//
// Handshake failures read "tlsio: handshake: ..." and wrap crypto/tls's
// error (a *tls.CertificateVerificationError, a tls.RecordHeaderError for a
// peer that does not speak TLS, the peer's alert); a peer that hangs up
// during the handshake is io.ErrUnexpectedEOF. After the handshake, the end
// of input is io.EOF when the peer sent close_notify and [ErrTruncated] when
// the connection ended without it; errors of the stream below come back as
// it gave them, errors of the protocol read "tlsio: read: ...". A peer that
// stays silent keeps a handshake waiting: bound it with timer.Timeout.
//
// # Using a Stream
//
// A Stream belongs to the loop of the stream below. One task may read it
// while another writes it (after aio.Split); each waits on the handshake and
// is woken when it ends. Flush before waiting for an answer, as with any
// buffered writer ([aio.Shutdown] flushes). Close stops a handshake under
// way and closes the stream below; it sends no close_notify: shut down
// first for an orderly end.
package tlsio
