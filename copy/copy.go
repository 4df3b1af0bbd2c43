// Package copy copies bytes from an [aio.AsyncReader] to an
// [aio.AsyncWriter] as a future: [Copy], and its bidirectional form
// [Bidirectional] for proxies.
//
// The package is named after its folder, copy, which shadows the builtin
// copy in any file that imports it under that name. Files that need both
// import it renamed:
//
//	import iocopy "github.com/eddyio/eddy/copy"
package copy

import (
	"errors"
	"io"
	"sync"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
)

// BufferSize is the size of the buffer a copy holds while data flows: a
// read asks for up to BufferSize bytes.
const BufferSize = 32 << 10

// buffer is what a copy holds while data flows: the bytes read and not yet
// written are data[pos:end]. Keeping the positions here rather than in
// the copy makes an idle copy smaller (48 bytes, not 64); the pooled
// buffer is then 8 bytes over BufferSize (an allocation of 40 KiB, taken
// only while data flows and shared through the pool). data must stay a
// whole BufferSize: a read that takes 8 bytes less than a peer's 32 KiB
// burst leaves an 8-byte tail to be read and written on its own, a
// second read and a second small send per burst (TestReadTakesWholeBuffer).
type buffer struct {
	pos, end int32
	data     [BufferSize]byte
}

// bufPool holds the buffers of copies that are idle, so that an idle
// connection holds none and a busy one reuses a buffer without allocating.
var bufPool = sync.Pool{New: func() any { return new(buffer) }}

// copyFuture is the state of a Copy: 48 bytes, which is what an idle
// connection's copy costs.
type copyFuture struct {
	r   aio.AsyncReader // atEOF{} once the reader reached EOF; nil once done
	w   aio.AsyncWriter // nil once done
	buf *buffer         // held only while data flows
	n   int64           // bytes written so far
}

// atEOF is the reader of a copy whose reader reached the end of its input:
// it only answers io.EOF again.
type atEOF struct{}

func (atEOF) PollRead(*future.Context, []byte) future.Poll[int] { return future.Fail[int](io.EOF) }

// Copy returns a future that reads r until EOF, writes everything to w
// (across partial writes), flushes w, and is ready with the number of bytes
// copied. It is ready with an error, and the count copied so far, as soon
// as a read or a write fails. Copy neither shuts down nor closes either
// side: chain aio.Shutdown(w) to pass the EOF on. A nil r or w makes the
// future fail with [ErrNilReader] or [ErrNilWriter] when polled.
//
// While the reader has nothing to give and nothing is left to write, the
// copy holds no buffer: it takes one from a shared pool when the reader
// turns ready, and gives it back when it runs dry.
func Copy(r aio.AsyncReader, w aio.AsyncWriter) future.Future[int64] {
	switch {
	case r == nil:
		return future.Failed[int64](ErrNilReader)
	case w == nil:
		return future.Failed[int64](ErrNilWriter)
	}
	return &copyFuture{r: r, w: w}
}

// Errors of a Copy given a nil end.
var (
	ErrNilReader = errors.New("copy: nil reader")
	ErrNilWriter = errors.New("copy: nil writer")
)

// ErrWriteZero reports a writer that accepted no bytes and no error.
var ErrWriteZero = errors.New("copy: writer accepted 0 bytes")

func (c *copyFuture) Poll(cx *future.Context) future.Poll[int64] {
	if c.w == nil {
		return future.Fail[int64](future.ErrPolledAfterCompletion)
	}
	for {
		// Write out what is buffered.
		if b := c.buf; b != nil {
			for b.pos < b.end {
				p := c.w.PollWrite(cx, b.data[b.pos:b.end])
				if p.IsPending() {
					return future.Pending[int64]()
				}
				if err := p.Err(); err != nil {
					return c.finish(err)
				}
				if p.Value() == 0 {
					return c.finish(ErrWriteZero)
				}
				b.pos += int32(p.Value())
				c.n += int64(p.Value())
			}
		}
		if _, eof := c.r.(atEOF); eof {
			return c.flush(cx)
		}
		// Buffer empty: hold no buffer while the reader is not ready.
		if rr, ok := c.r.(aio.ReadinessReader); ok {
			p := rr.PollReadReady(cx)
			if p.IsPending() {
				c.release()
				return future.Pending[int64]()
			}
			if err := p.Err(); err != nil {
				return c.finish(err)
			}
		}
		if c.buf == nil {
			c.buf = bufPool.Get().(*buffer)
		}
		b := c.buf
		p := c.r.PollRead(cx, b.data[:])
		if p.IsPending() {
			c.release()
			return future.Pending[int64]()
		}
		b.pos, b.end = 0, int32(p.Value())
		if err := p.Err(); err == io.EOF {
			c.r = atEOF{}
		} else if err != nil {
			return c.finish(err)
		}
		if !cx.SpendBudget() && b.end > 0 {
			// A fire hose: let the loop's other tasks run. The data is
			// kept and written on the next poll.
			cx.Waker().Wake()
			return future.Pending[int64]()
		}
	}
}

func (c *copyFuture) flush(cx *future.Context) future.Poll[int64] {
	c.release()
	p := c.w.PollFlush(cx)
	if p.IsPending() {
		return future.Pending[int64]()
	}
	return c.finish(p.Err())
}

// release gives the buffer back if it holds nothing left to write.
func (c *copyFuture) release() {
	if b := c.buf; b != nil && b.pos >= b.end {
		b.pos, b.end = 0, 0
		bufPool.Put(b)
		c.buf = nil
	}
}

func (c *copyFuture) finish(err error) future.Poll[int64] {
	if b := c.buf; b != nil {
		b.pos = b.end // what is left unwritten is dropped
		c.release()
	}
	c.r, c.w = nil, nil
	return future.Result(c.n, err)
}

// Abandon gives the pooled buffer back at once, if the copy holds one, and
// lets go of both ends (future.Abandoner): bytes read and not yet written
// are dropped. Neither end is closed.
func (c *copyFuture) Abandon() {
	if c.w == nil {
		return
	}
	c.finish(nil)
}
