package codec

import (
	"io"
	"sync"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
)

// DefaultHighWaterMark is the buffered output above which a framed sink's
// PollReady answers pending until the writer has taken some of it: 128 KiB,
// Tokio's backpressure boundary.
const DefaultHighWaterMark = 128 << 10

// writeBufSize is the capacity of a new pooled write buffer; maxPooledWrite
// is the largest one given back to the pool (a larger one, grown for a big
// frame, is left to the garbage collector).
const (
	writeBufSize   = 8 << 10
	maxPooledWrite = 256 << 10
)

// writeBuf is a pooled output buffer. The pool holds pointers, which an
// interface stores without allocating; the slice inside may have grown.
type writeBuf struct{ b []byte }

var writePool = sync.Pool{New: func() any { return &writeBuf{b: make([]byte, 0, writeBufSize)} }}

// FramedWrite is the sink of frames an [Encoder] writes to an
// aio.AsyncWriter.
//
// StartSend encodes a frame into an output buffer; nothing is written until
// PollReady finds the buffer above the high-water mark, or PollFlush or
// PollClose is polled. PollReady answers ready while the buffered output is
// below the mark ([DefaultHighWaterMark], see SetHighWaterMark) and,
// above it, writes out what it can and answers pending, the writer holding
// the task's waker, until the writer has taken enough: that is the
// backpressure a fast producer meets before a slow peer. PollFlush writes
// everything out and flushes the writer; PollClose flushes and shuts the
// writer down (aio's PollShutdown: a TCP socket sends FIN), without closing
// it. The output buffer comes from a shared pool and goes back to it each
// time it is written out, so an idle sink holds none.
//
// An encoder's error fails that StartSend only: the frame is not sent and
// the sink goes on. A write error fails the sink: every later call answers
// it.
type FramedWrite[T any] struct {
	w      aio.AsyncWriter
	enc    Encoder[T]
	out    *writeBuf // nil while nothing is buffered
	pos    int       // out.b[pos:] is still to be written
	high   int
	err    error // the write error that failed the sink
	closed bool  // PollClose began
	shut   bool  // PollClose completed
}

// NewFramedWrite returns the sink of frames enc writes to w.
func NewFramedWrite[T any](w aio.AsyncWriter, enc Encoder[T]) *FramedWrite[T] {
	return &FramedWrite[T]{w: w, enc: enc, high: DefaultHighWaterMark}
}

// SetEncoder replaces the encoder with one of the same frame type; output
// already buffered stays and is written first. [UpgradeWrite] changes the
// frame type.
func (f *FramedWrite[T]) SetEncoder(enc Encoder[T]) { f.enc = enc }

// Encoder returns the encoder.
func (f *FramedWrite[T]) Encoder() Encoder[T] { return f.enc }

// Writer returns the writer the frames are written to.
func (f *FramedWrite[T]) Writer() aio.AsyncWriter { return f.w }

// SetHighWaterMark sets the buffered output, in bytes, at or above which
// PollReady answers pending until the writer takes some. A mark of 1 or
// less writes each frame out before the next is accepted.
func (f *FramedWrite[T]) SetHighWaterMark(n int) { f.high = max(n, 1) }

// Buffered is the number of bytes encoded and not yet written.
func (f *FramedWrite[T]) Buffered() int {
	if f.out == nil {
		return 0
	}
	return len(f.out.b) - f.pos
}

// PollReady answers ready when the sink accepts a frame: while the
// buffered output is below the high-water mark. Above it, it writes out
// what the writer takes and answers pending while the output stays above.
func (f *FramedWrite[T]) PollReady(cx *future.Context) future.Poll[struct{}] {
	if err := f.failed(); err != nil {
		return future.Fail[struct{}](err)
	}
	if f.Buffered() >= f.high {
		if p := f.writeOut(cx); p.IsReady() && p.Err() != nil {
			return p
		}
		if f.Buffered() >= f.high {
			return future.Pending[struct{}]() // the writer parked the waker
		}
	}
	return future.Ok(struct{}{})
}

// StartSend encodes frame into the output buffer. Call it only after
// PollReady answered ready; it writes nothing.
func (f *FramedWrite[T]) StartSend(frame T) error {
	if err := f.failed(); err != nil {
		return err
	}
	if f.out == nil {
		f.out = writePool.Get().(*writeBuf)
		f.out.b, f.pos = f.out.b[:0], 0
	} else if f.pos > 0 && f.pos >= len(f.out.b)/2 {
		f.out.b, f.pos = f.out.b[:copy(f.out.b, f.out.b[f.pos:])], 0
	}
	n := len(f.out.b)
	b, err := f.enc.Encode(f.out.b, frame)
	if err != nil {
		f.out.b = f.out.b[:n]
		f.release()
		return err
	}
	f.out.b = b
	return nil
}

// PollFlush writes out every frame accepted so far and flushes the writer.
func (f *FramedWrite[T]) PollFlush(cx *future.Context) future.Poll[struct{}] {
	if f.err != nil {
		return future.Fail[struct{}](f.err)
	}
	if p := f.writeOut(cx); !p.IsReady() || p.Err() != nil {
		return p
	}
	if f.shut {
		return future.Ok(struct{}{})
	}
	p := f.w.PollFlush(cx)
	if p.IsReady() && p.Err() != nil {
		f.err = p.Err()
	}
	return p
}

// PollClose flushes, then shuts the writer's write side down. The writer
// is not closed. Once it has answered ready, the sink takes no more frames
// ([ErrClosed]) and PollClose answers ready again.
func (f *FramedWrite[T]) PollClose(cx *future.Context) future.Poll[struct{}] {
	if f.shut {
		return future.Ok(struct{}{})
	}
	f.closed = true
	if p := f.PollFlush(cx); !p.IsReady() || p.Err() != nil {
		return p
	}
	p := f.w.PollShutdown(cx)
	if p.IsReady() {
		if err := p.Err(); err != nil {
			f.err = err
		} else {
			f.shut = true
		}
	}
	return p
}

// failed is the error of a sink that takes no more frames.
func (f *FramedWrite[T]) failed() error {
	if f.err != nil {
		return f.err
	}
	if f.closed {
		return ErrClosed
	}
	return nil
}

// writeOut writes the buffered output until it is all written (ready), the
// writer answers pending (pending), or a write fails (ready with the error,
// which fails the sink). The buffer goes back to the pool once empty.
func (f *FramedWrite[T]) writeOut(cx *future.Context) future.Poll[struct{}] {
	for f.Buffered() > 0 {
		p := f.w.PollWrite(cx, f.out.b[f.pos:])
		if p.IsPending() {
			return future.Pending[struct{}]()
		}
		if err := p.Err(); err != nil {
			f.err = err
			return future.Fail[struct{}](err)
		}
		if p.Value() == 0 {
			f.err = io.ErrShortWrite
			return future.Fail[struct{}](f.err)
		}
		f.pos += p.Value()
	}
	f.release()
	return future.Ok(struct{}{})
}

// release gives the output buffer back to the pool while it is empty.
func (f *FramedWrite[T]) release() {
	if f.out == nil || f.Buffered() > 0 {
		return
	}
	if cap(f.out.b) <= maxPooledWrite {
		writePool.Put(f.out)
	}
	f.out, f.pos = nil, 0
}

// holdsBuffer reports whether the sink holds an output buffer.
func (f *FramedWrite[T]) holdsBuffer() bool { return f.out != nil }

// Abandon drops the output not yet written and gives the buffer back at
// once (future.Abandoner). The writer is neither flushed nor closed.
func (f *FramedWrite[T]) Abandon() {
	if f.out != nil {
		f.pos = len(f.out.b)
		f.release()
	}
	if f.err == nil {
		f.err = ErrClosed
	}
}

// UpgradeWrite returns a FramedWrite of enc over f's writer that starts
// with f's output not yet written (written first), and f's high-water mark.
// f is left closed: it holds nothing and takes no more frames.
func UpgradeWrite[U, T any](f *FramedWrite[T], enc Encoder[U]) *FramedWrite[U] {
	g := &FramedWrite[U]{enc: enc}
	moveWrite(g, f)
	return g
}

// moveWrite moves the writer, the buffer and the state of src into dst and
// closes src.
func moveWrite[U, T any](dst *FramedWrite[U], src *FramedWrite[T]) {
	dst.w, dst.out, dst.pos, dst.high = src.w, src.out, src.pos, src.high
	dst.err, dst.closed, dst.shut = src.err, src.closed, src.shut
	src.out, src.pos, src.w = nil, 0, nil
	if src.err == nil {
		src.err = ErrClosed
	}
}
