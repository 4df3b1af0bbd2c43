package main

// TODO(codec.Framed): this file is a stand-in for the codec package's framed
// transports, which were not there when this example was written. It is to
// be replaced by codec.Framed (a Stream of commands and a Sink of
// replies over the connection's halves) once they land; the codec and
// the handlers stay as they are.

import (
	"errors"
	"io"
	"sync"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/future"
)

// The framing loop's buffers.
const (
	chunkSize = 16 << 10 // pooled read and write buffers
	highWater = 64 << 10 // stop decoding while this much waits to be written
)

// chunkPool holds arrays, not slices, so that putting one back allocates
// nothing (a slice converts to an array pointer for free).
var chunkPool = sync.Pool{New: func() any { return new([chunkSize]byte) }}

func getChunk() []byte { return chunkPool.Get().(*[chunkSize]byte)[:0] }

func putChunk(b []byte) {
	if cap(b) != chunkSize {
		return // grown for one large frame: let it go
	}
	chunkPool.Put((*[chunkSize]byte)(b[:chunkSize]))
}

// errFrameTooLarge is a decoder asking for more than its MaxFrameLength.
var errFrameTooLarge = errors.New("tinykv: decoder needs more than its maximum frame length")

// serveFrames returns the future that serves one connection: it reads into
// a buffer, decodes every whole frame there, answers each with
// handle(frame), encodes the answers in order into an output buffer, writes
// it out, and reads again. handle's second result closes the connection
// after that answer; a decoding error is answered with fail(err) (when it
// gives ok) and closes it too. The future is ready when the connection is
// done (the peer's end of input, a close, a refused frame) and fails with
// an I/O error; the caller closes the connection.
//
// It holds no buffer while the connection is idle: the input buffer goes
// back to a pool when everything read has been decoded and the reader is
// not ready, the output buffer when everything encoded has been written.
func serveFrames[In, Out any](r aio.AsyncReader, w aio.AsyncWriter, c codec.Codec[In, Out],
	handle func(In) (Out, bool), fail func(error) (Out, bool)) future.Future[struct{}] {
	maxFrame := 1 << 20
	if m, ok := c.(codec.MaxFrameLengther); ok {
		maxFrame = m.MaxFrameLength()
	}
	return &framer[In, Out]{r: r, w: w, c: c, handle: handle, fail: fail, maxFrame: maxFrame}
}

type framer[In, Out any] struct {
	r      aio.AsyncReader
	w      aio.AsyncWriter
	c      codec.Codec[In, Out]
	handle func(In) (Out, bool)
	fail   func(error) (Out, bool)

	in         []byte // in[start:end] is read and not decoded; nil while idle
	start, end int
	buf        codec.Buffer // what the decoder sees: in[start:end]
	out        []byte       // encoded, out[wpos:] not yet written; nil while idle
	wpos       int
	maxFrame   int
	closing    bool // the last answer is in out: close once it is written
	done       bool
}

func (f *framer[In, Out]) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.done {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	for {
		// Write out what is encoded.
		for f.wpos < len(f.out) {
			p := f.w.PollWrite(cx, f.out[f.wpos:])
			if p.IsPending() {
				return future.Pending[struct{}]()
			}
			if err := p.Err(); err != nil {
				return f.finish(err)
			}
			if p.Value() == 0 {
				return f.finish(io.ErrShortWrite)
			}
			f.wpos += p.Value()
		}
		if f.out != nil {
			putChunk(f.out)
			f.out, f.wpos = nil, 0
		}
		if f.closing {
			// Send the FIN now; the caller closes the connection.
			p := f.w.PollShutdown(cx)
			if p.IsPending() {
				return future.Pending[struct{}]()
			}
			return f.finish(p.Err())
		}

		// Decode and answer every whole frame buffered, up to the high-water
		// mark of output.
	decode:
		for f.start < f.end && len(f.out) < highWater && !f.closing {
			f.buf = *codec.NewBuffer(f.in[f.start:f.end])
			frame, ok, err := f.c.Decode(&f.buf)
			f.start = f.end - f.buf.Len()
			var resp Out
			switch {
			case err != nil:
				f.closing = true
				if resp, ok = f.fail(err); !ok {
					continue
				}
			case !ok:
				break decode // need more input
			default:
				resp, f.closing = f.handle(frame)
			}
			if f.out == nil {
				f.out = getChunk()
			}
			if f.out, err = f.c.Encode(f.out, resp); err != nil {
				return f.finish(err)
			}
		}
		if len(f.out) > 0 || f.closing {
			continue // answer what is decoded before reading more
		}

		if f.start == f.end {
			f.start, f.end = 0, 0
			// Nothing buffered: hold no buffer while the reader is not ready.
			if rr, ok := f.r.(aio.ReadinessReader); ok {
				p := rr.PollReadReady(cx)
				if p.IsPending() {
					f.releaseIn()
					return future.Pending[struct{}]()
				}
				if err := p.Err(); err != nil {
					return f.finish(err)
				}
			}
		}
		if f.in == nil {
			f.in = getChunk()[:chunkSize]
		}
		if f.end == len(f.in) {
			// Full: move the partial frame to the front, or grow.
			if f.start > 0 {
				f.end = copy(f.in, f.in[f.start:f.end])
				f.start = 0
			} else if len(f.in) >= f.maxFrame+chunkSize {
				return f.finish(errFrameTooLarge)
			} else {
				bigger := make([]byte, min(2*len(f.in), f.maxFrame+chunkSize))
				copy(bigger, f.in[:f.end])
				putChunk(f.in)
				f.in = bigger
			}
		}
		p := f.r.PollRead(cx, f.in[f.end:])
		if p.IsPending() {
			f.releaseIn()
			return future.Pending[struct{}]()
		}
		if err := p.Err(); err == io.EOF {
			// The peer is done; a partial command left over is dropped.
			return f.finish(nil)
		} else if err != nil {
			return f.finish(err)
		}
		f.end += p.Value()
		if !cx.SpendBudget() {
			// A fire hose: let the loop's other tasks run; what was read is
			// kept and decoded on the next poll.
			cx.Waker().Wake()
			return future.Pending[struct{}]()
		}
	}
}

// releaseIn gives the input buffer back to the pool when it holds nothing.
func (f *framer[In, Out]) releaseIn() {
	if f.in != nil && f.start == f.end {
		putChunk(f.in)
		f.in, f.start, f.end = nil, 0, 0
	}
}

func (f *framer[In, Out]) finish(err error) future.Poll[struct{}] {
	f.done = true
	f.start, f.end = 0, 0
	f.releaseIn()
	if f.out != nil {
		putChunk(f.out)
		f.out, f.wpos = nil, 0
	}
	f.r, f.w = nil, nil
	return future.Result(struct{}{}, err)
}

// Abandon gives the buffers back (future.Abandoner); the connection is the
// caller's to close.
func (f *framer[In, Out]) Abandon() {
	if !f.done {
		f.finish(nil)
	}
}
