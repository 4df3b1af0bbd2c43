package codec

import (
	"io"
	"sync"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// DefaultMaxFrameLength bounds the input one frame may need when the
// decoder does not say ([MaxFrameLengther]): 8 MiB.
const DefaultMaxFrameLength = 8 << 20

// ReadBufferSize is the size of the pooled read buffers. A frame that needs
// more grows a buffer of its own, up to the decoder's maximum, dropped once
// the frame is consumed.
const ReadBufferSize = 8 << 10

// minRead is the least room a read is given before the buffer is compacted
// or grown.
const minRead = 1 << 10

// readPool holds the read buffers of idle framed streams, so that an idle
// connection holds none and a busy one reuses a buffer without allocating.
// It holds pointers to arrays, which an interface stores without
// allocating.
var readPool = sync.Pool{New: func() any { return new([ReadBufferSize]byte) }}

// FramedRead is the stream of the frames a [Decoder] takes off the bytes of
// an aio.AsyncReader.
//
// Nothing is read until the first poll. Each poll decodes what is buffered
// and reads only when the decoder needs more. While every byte read has
// been decoded and the reader has nothing to give, the stream holds no
// buffer: it takes one from a shared pool when input comes and gives it
// back when the reader runs dry (a partial frame is data, and is kept). On
// a reader that implements aio.ReadinessReader (sockets and their read
// halves do) it waits for readiness before it takes a buffer. A frame that
// needs more than [ReadBufferSize] bytes grows a buffer of its own, never
// beyond the decoder's maximum frame length plus one read: a decoder that
// still needs more fails the stream with [ErrFrameTooLarge].
//
// At the end of input the decoder's DecodeEOF ([EOFDecoder]), or Decode
// without one, is asked for the last frames; bytes left over that make no
// frame are a [*TrailingBytesError], and the stream ends. A read error is
// an item error and ends the stream; so is a decoder's error, unless the
// decoder resumes after it ([Resumer]). Each read spends one unit of the
// task's budget, so an always-ready reader cannot starve the loop.
type FramedRead[T any] struct {
	r        aio.AsyncReader
	dec      Decoder[T]
	eofDec   EOFDecoder[T] // dec, if it is one
	in       Buffer
	pooled   *[ReadBufferSize]byte // the pool's buffer behind in.buf, if it is one
	limit    int                   // the most bytes the buffer may hold
	readable bool                  // decode before reading: bytes came in since the last "need more"
	eof      bool
	done     bool
}

// NewFramedRead returns the stream of the frames dec decodes from r.
func NewFramedRead[T any](r aio.AsyncReader, dec Decoder[T]) *FramedRead[T] {
	f := &FramedRead[T]{r: r}
	f.setDecoder(dec)
	return f
}

func (f *FramedRead[T]) setDecoder(dec Decoder[T]) {
	f.dec = dec
	f.eofDec, _ = dec.(EOFDecoder[T])
	max := DefaultMaxFrameLength
	if m, ok := dec.(MaxFrameLengther); ok {
		max = m.MaxFrameLength()
	}
	f.limit = max + ReadBufferSize
	if f.limit < max { // overflow
		f.limit = max
	}
	f.readable = f.in.Len() > 0 || f.eof
}

// SetDecoder replaces the decoder with one of the same frame type, keeping
// the bytes read and not yet decoded: the next poll decodes them with dec.
// [UpgradeRead] changes the frame type.
func (f *FramedRead[T]) SetDecoder(dec Decoder[T]) { f.setDecoder(dec) }

// Decoder returns the decoder.
func (f *FramedRead[T]) Decoder() Decoder[T] { return f.dec }

// Reader returns the reader the frames are read from.
func (f *FramedRead[T]) Reader() aio.AsyncReader { return f.r }

// Buffered returns the bytes read and not yet decoded. The slice is valid
// until the next poll.
func (f *FramedRead[T]) Buffered() []byte { return f.in.Bytes() }

// PollNext answers the next frame, an item error, the end of input, or
// pending.
func (f *FramedRead[T]) PollNext(cx *future.Context) stream.Poll[T] {
	for !f.done {
		if f.readable {
			frame, ok, err := f.decode()
			if err != nil {
				if !resumes(f.dec, err) {
					f.finish()
				}
				return stream.Fail[T](err)
			}
			if ok {
				return stream.Item(frame)
			}
			if f.eof {
				n := f.in.Len()
				f.finish()
				if n > 0 {
					return stream.Fail[T](&TrailingBytesError{N: n})
				}
				break
			}
			f.readable = false
		}
		pending, err := f.fill(cx)
		if pending {
			return stream.Pending[T]()
		}
		if err != nil {
			f.finish()
			return stream.Fail[T](err)
		}
	}
	return stream.End[T]()
}

// decode asks the decoder for one frame.
func (f *FramedRead[T]) decode() (T, bool, error) {
	f.in.need = 0
	if f.eof && f.eofDec != nil {
		return f.eofDec.DecodeEOF(&f.in)
	}
	return f.dec.Decode(&f.in)
}

// fill reads more input after what is buffered. It reports pending (a
// wake-up arranged) apart from errors. With nothing buffered, it holds no
// buffer while the reader is not ready.
func (f *FramedRead[T]) fill(cx *future.Context) (pending bool, err error) {
	if f.in.Len() == 0 {
		if rr, ok := f.r.(aio.ReadinessReader); ok {
			p := rr.PollReadReady(cx)
			if p.IsPending() {
				f.release()
				return true, nil
			}
			if err := p.Err(); err != nil {
				return false, err
			}
		}
	}
	if !cx.SpendBudget() {
		// An always-ready reader: let the loop's other tasks run.
		f.release()
		cx.Waker().Wake()
		return true, nil
	}
	if err := f.makeRoom(); err != nil {
		return false, err
	}
	b := f.in.buf
	p := f.r.PollRead(cx, b[len(b):cap(b)])
	if p.IsPending() {
		f.release()
		f.shrink()
		return true, nil
	}
	n := p.Value()
	f.in.buf = b[:len(b)+n]
	if n > 0 {
		f.readable = true
	}
	switch err := p.Err(); {
	case err == io.EOF:
		f.eof, f.readable = true, true
	case err != nil:
		return false, err
	case n == 0:
		return false, io.ErrNoProgress // a reader breaking its contract
	}
	return false, nil
}

// makeRoom makes sure the buffer has room for a read: it takes a pooled
// buffer, compacts it, or grows it as far as the limit allows.
func (f *FramedRead[T]) makeRoom() error {
	unread := f.in.Len()
	if unread >= f.limit {
		return ErrFrameTooLarge
	}
	// Room for the frame the decoder said it waits for, else for a read
	// worth making.
	want, exact := minRead, f.in.need > 0
	if exact {
		want = f.in.need
	}
	if f.in.buf == nil && unread+want <= ReadBufferSize {
		f.pooled = readPool.Get().(*[ReadBufferSize]byte)
		f.in.buf, f.in.off = f.pooled[:0], 0
		return nil
	}
	if cap(f.in.buf)-len(f.in.buf) >= want {
		return nil
	}
	// Compact, back into a pooled buffer if the rest fits one, or grow.
	need := min(unread+want, f.limit)
	rest := f.in.Bytes()
	switch {
	case need <= ReadBufferSize && f.pooled == nil:
		f.pooled = readPool.Get().(*[ReadBufferSize]byte)
		f.in.buf = f.pooled[:copy(f.pooled[:], rest)]
	case need <= cap(f.in.buf):
		f.in.buf = f.in.buf[:copy(f.in.buf, rest)]
	default:
		size := need
		if !exact {
			size = max(2*cap(f.in.buf), need)
		}
		size = min(size, f.limit)
		grown := make([]byte, len(rest), size)
		copy(grown, rest)
		if f.pooled != nil {
			readPool.Put(f.pooled)
			f.pooled = nil
		}
		f.in.buf = grown
	}
	f.in.off = 0
	return nil
}

// release gives the buffer back while it holds no unread byte: to the pool
// if it came from there, to the garbage collector if it was grown.
func (f *FramedRead[T]) release() {
	if f.in.Len() > 0 {
		return // a partial frame: data, kept
	}
	if f.pooled != nil {
		readPool.Put(f.pooled)
	}
	f.in.buf, f.in.off, f.pooled = nil, 0, nil
}

// shrink moves a partial frame kept across an idle period out of a grown
// buffer into a pooled one, when it fits, so that an idle stream holds no
// more than a pooled buffer for it.
func (f *FramedRead[T]) shrink() {
	if f.pooled != nil || f.in.buf == nil || f.in.Len() > ReadBufferSize/2 {
		return
	}
	f.pooled = readPool.Get().(*[ReadBufferSize]byte)
	f.in.buf, f.in.off = f.pooled[:copy(f.pooled[:], f.in.Bytes())], 0
}

// holdsBuffer reports whether the stream holds a read buffer.
func (f *FramedRead[T]) holdsBuffer() bool { return f.in.buf != nil }

// finish ends the stream and lets go of its buffer and reader.
func (f *FramedRead[T]) finish() {
	f.done = true
	f.in.off = len(f.in.buf)
	f.release()
	f.r = nil
}

// Abandon gives the read buffer back at once, a partial frame included,
// and lets go of the reader (future.Abandoner). The reader is not closed.
func (f *FramedRead[T]) Abandon() { f.finish() }

// UpgradeRead returns a FramedRead of dec over f's reader that starts with
// f's buffered bytes, for a protocol that changes its framing midway (a
// handshake in lines, then binary frames). f is left ended: its later
// polls answer the end, and it holds nothing.
func UpgradeRead[U, T any](f *FramedRead[T], dec Decoder[U]) *FramedRead[U] {
	g := &FramedRead[U]{}
	moveRead(g, f)
	g.setDecoder(dec)
	return g
}

// moveRead moves the reader and the buffers of src into dst and ends src.
func moveRead[U, T any](dst *FramedRead[U], src *FramedRead[T]) {
	dst.r, dst.in, dst.pooled, dst.eof, dst.done = src.r, src.in, src.pooled, src.eof, src.done
	src.in, src.pooled, src.r, src.done = Buffer{}, nil, nil, true
}
