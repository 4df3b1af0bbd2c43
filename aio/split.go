package aio

import "github.com/eddyio/eddy/future"

// ReadHalf is the read side of a split [AsyncReadWriter]: only reads.
type ReadHalf struct{ rw AsyncReadWriter }

// WriteHalf is the write side of a split [AsyncReadWriter]: only writes,
// flushes and shuts down.
type WriteHalf struct{ rw AsyncReadWriter }

// Split returns the read half and the write half of rw, so that one task
// can read while another writes, or a Copy can read one and write the other.
// The halves share rw; closing rw ends both. For sockets, where the reactor
// keeps one waker for the reader and one for the writer, the two halves may
// be polled by different tasks of the same loop.
func Split(rw AsyncReadWriter) (*ReadHalf, *WriteHalf) {
	return &ReadHalf{rw}, &WriteHalf{rw}
}

// PollRead reads from the underlying reader.
func (h *ReadHalf) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	return h.rw.PollRead(cx, p)
}

// PollReadReady answers as the underlying reader does when it implements
// [ReadinessReader], and ready otherwise.
func (h *ReadHalf) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	if r, ok := h.rw.(ReadinessReader); ok {
		return r.PollReadReady(cx)
	}
	return future.Ok(struct{}{})
}

// PollWrite writes to the underlying writer.
func (h *WriteHalf) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	return h.rw.PollWrite(cx, p)
}

// PollFlush flushes the underlying writer.
func (h *WriteHalf) PollFlush(cx *future.Context) future.Poll[struct{}] {
	return h.rw.PollFlush(cx)
}

// PollShutdown shuts down the write side of the underlying writer.
func (h *WriteHalf) PollShutdown(cx *future.Context) future.Poll[struct{}] {
	return h.rw.PollShutdown(cx)
}
