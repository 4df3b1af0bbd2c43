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

// BufferSize is the size of the buffer a copy holds while data flows.
const BufferSize = 32 << 10

// bufPool holds the buffers of copies that are idle, so that an idle
// connection holds none and a busy one reuses a buffer without allocating.
var bufPool = sync.Pool{New: func() any { b := make([]byte, BufferSize); return &b }}

// copyFuture is the state of a Copy.
type copyFuture struct {
	r    aio.AsyncReader
	w    aio.AsyncWriter
	buf  *[]byte // held only while data flows
	pos  int32   // next byte of buf to write (buffers are 32 KiB)
	end  int32   // end of the data in buf
	n    int64   // bytes written so far
	eof  bool
	done bool
}

// Copy returns a future that reads r until EOF, writes everything to w
// (across partial writes), flushes w, and is ready with the number of bytes
// copied. It is ready with an error, and the count copied so far, as soon
// as a read or a write fails. Copy neither shuts down nor closes either
// side: chain aio.Shutdown(w) to pass the EOF on.
//
// While the reader has nothing to give and nothing is left to write, the
// copy holds no buffer: it takes one from a shared pool when the reader
// turns ready, and gives it back when it runs dry.
func Copy(r aio.AsyncReader, w aio.AsyncWriter) future.Future[int64] {
	return &copyFuture{r: r, w: w}
}

// ErrWriteZero reports a writer that accepted no bytes and no error.
var ErrWriteZero = errors.New("copy: writer accepted 0 bytes")

func (c *copyFuture) Poll(cx *future.Context) future.Poll[int64] {
	if c.done {
		return future.Fail[int64](future.ErrPolledAfterCompletion)
	}
	for {
		// Write out what is buffered.
		for c.pos < c.end {
			p := c.w.PollWrite(cx, (*c.buf)[c.pos:c.end])
			if p.IsPending() {
				return future.Pending[int64]()
			}
			if err := p.Err(); err != nil {
				return c.finish(err)
			}
			if p.Value() == 0 {
				return c.finish(ErrWriteZero)
			}
			c.pos += int32(p.Value())
			c.n += int64(p.Value())
		}
		if c.eof {
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
			c.buf = bufPool.Get().(*[]byte)
		}
		p := c.r.PollRead(cx, *c.buf)
		if p.IsPending() {
			c.release()
			return future.Pending[int64]()
		}
		c.pos, c.end = 0, int32(p.Value())
		if err := p.Err(); err == io.EOF {
			c.eof = true
		} else if err != nil {
			return c.finish(err)
		}
		if !cx.SpendBudget() && c.end > 0 {
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

func (c *copyFuture) release() {
	if c.buf != nil && c.pos >= c.end {
		bufPool.Put(c.buf)
		c.buf, c.pos, c.end = nil, 0, 0
	}
}

func (c *copyFuture) finish(err error) future.Poll[int64] {
	c.done = true
	c.pos, c.end = 0, 0
	c.release()
	c.r, c.w = nil, nil
	return future.Result(c.n, err)
}

// Abandon gives the pooled buffer back at once, if the copy holds one, and
// lets go of both ends (future.Abandoner): bytes read and not yet written
// are dropped. Neither end is closed.
func (c *copyFuture) Abandon() {
	if c.done {
		return
	}
	c.pos = c.end
	c.finish(nil)
}
