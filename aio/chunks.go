package aio

import (
	"io"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// chunks is the ReadChunks stream.
type chunks struct {
	r    AsyncReader
	size int
	buf  []byte // the next chunk's buffer, kept across a pending read; nil while idle
	done bool
}

// ReadChunks returns the stream of the bytes of r in chunks of at most size
// bytes, each as it came from one read: a new slice per item, which the
// consumer owns. It ends at the end of input; a read error is an item
// error and ends the stream. A size below 1 means [BridgeBuffer]. Nothing
// is read until the first poll.
//
// (combinators.Chunks is another thing: it gathers the items of a stream
// into slices of n.)
//
// When r implements [ReadinessReader], the stream waits for readiness
// before it allocates a chunk, so an idle one holds no buffer; otherwise
// it keeps the one buffer it was reading into while r answers pending.
// Abandoned, it lets go of that buffer.
func ReadChunks(r AsyncReader, size int) stream.Stream[[]byte] {
	if size < 1 {
		size = BridgeBuffer
	}
	return &chunks{r: r, size: size}
}

func (c *chunks) PollNext(cx *future.Context) stream.Poll[[]byte] {
	if c.done {
		return stream.End[[]byte]()
	}
	if c.buf == nil {
		if rr, ok := c.r.(ReadinessReader); ok {
			if p := rr.PollReadReady(cx); p.IsPending() {
				return stream.Pending[[]byte]()
			}
		}
		c.buf = make([]byte, c.size)
	}
	p := c.r.PollRead(cx, c.buf)
	switch {
	case p.IsPending():
		return stream.Pending[[]byte]()
	case p.Err() != nil:
		c.finish()
		if p.Err() == io.EOF {
			return stream.End[[]byte]()
		}
		return stream.Fail[[]byte](p.Err())
	}
	chunk := c.buf[:p.Value():p.Value()]
	c.buf = nil
	return stream.Item(chunk)
}

// finish ends the stream and lets go of the reader and the buffer.
func (c *chunks) finish() { c.done, c.r, c.buf = true, nil, nil }

// Abandon lets go of the buffer kept across a pending read.
func (c *chunks) Abandon() { c.buf = nil }
