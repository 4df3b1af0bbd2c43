// Package aio defines [AsyncReader] and [AsyncWriter], the read and write of
// eddy: calls that never block, answering pending (with the task's waker
// registered) where io.Reader and io.Writer would block, and the futures built
// on them.
package aio

import "github.com/eddyio/eddy/future"

// AsyncReader is the non-blocking form of io.Reader.
//
// PollRead reads up to len(p) bytes into p and answers with the number of
// bytes read. It keeps io.Reader's rules: a ready answer with n > 0 carries
// data (and a nil error); the end of input is ready with 0 and io.EOF; a
// failure is ready with an error. Where io.Reader would block, PollRead
// answers pending and has registered cx.Waker() to be woken when the source
// may be readable again. Implementations must not retain p, and never answer
// ready with 0 and a nil error unless len(p) is 0.
type AsyncReader interface {
	PollRead(cx *future.Context, p []byte) future.Poll[int]
}

// AsyncWriter is the non-blocking form of io.Writer.
//
// PollWrite writes up to len(p) bytes from p and answers with the number
// written, which may be fewer than len(p) (a partial write: the caller
// writes the rest later). Where io.Writer would block, it answers pending
// with cx.Waker() registered. PollFlush answers ready once everything written
// so far has been handed to the destination. PollShutdown finishes the write
// side: for a TCP socket it sends FIN, so the peer reads EOF, while the read
// side stays open.
type AsyncWriter interface {
	PollWrite(cx *future.Context, p []byte) future.Poll[int]
	PollFlush(cx *future.Context) future.Poll[struct{}]
	PollShutdown(cx *future.Context) future.Poll[struct{}]
}

// AsyncReadWriter groups the two, as a connection does.
type AsyncReadWriter interface {
	AsyncReader
	AsyncWriter
}

// ReadinessReader is implemented by readers that know, without a system
// call, whether a read could make progress. PollReadReady answers ready when
// a read may find data (or an error, or EOF) and pending, with the waker
// registered, while the source is known not to be readable. Copy uses it to
// hold no buffer while a connection is idle.
type ReadinessReader interface {
	PollReadReady(cx *future.Context) future.Poll[struct{}]
}
