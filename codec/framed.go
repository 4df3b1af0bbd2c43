package codec

import (
	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Framed is a connection seen through a [Codec]: a stream of the frames
// read (a [FramedRead]) and a sink of the frames to write (a
// [FramedWrite]) in one value, one allocation. Split gives its two halves,
// for one task reading and another writing; [Upgrade] moves it, buffers
// and all, to a codec of other frame types.
type Framed[In, Out any] struct {
	rd FramedRead[In]
	wr FramedWrite[Out]
}

// NewFramed returns the frames c decodes from rw and the sink of frames c
// encodes to it.
func NewFramed[In, Out any](rw aio.AsyncReadWriter, c Codec[In, Out]) *Framed[In, Out] {
	return NewFramedPair(rw, rw, c)
}

// NewFramedPair is NewFramed over a reader and a writer apart (the two
// halves of a connection, a pipe's two ends, a file and a socket).
func NewFramedPair[In, Out any](r aio.AsyncReader, w aio.AsyncWriter, c Codec[In, Out]) *Framed[In, Out] {
	f := &Framed[In, Out]{}
	f.rd.r = r
	f.rd.setDecoder(c)
	f.wr.w, f.wr.enc, f.wr.high = w, c, DefaultHighWaterMark
	return f
}

// Split returns the read half and the write half. They are the Framed's
// own (no copy): a task may poll one while another task of the same loop
// polls the other.
func (f *Framed[In, Out]) Split() (*FramedRead[In], *FramedWrite[Out]) { return &f.rd, &f.wr }

// SetCodec replaces the codec with one of the same frame types, keeping
// the buffered input (decoded next with c) and output (written first).
func (f *Framed[In, Out]) SetCodec(c Codec[In, Out]) {
	f.rd.setDecoder(c)
	f.wr.enc = c
}

// SetHighWaterMark sets the write side's high-water mark
// ([FramedWrite.SetHighWaterMark]).
func (f *Framed[In, Out]) SetHighWaterMark(n int) { f.wr.SetHighWaterMark(n) }

// PollNext answers the next frame read ([FramedRead.PollNext]).
func (f *Framed[In, Out]) PollNext(cx *future.Context) stream.Poll[In] { return f.rd.PollNext(cx) }

// PollReady answers ready while the sink accepts a frame
// ([FramedWrite.PollReady]).
func (f *Framed[In, Out]) PollReady(cx *future.Context) future.Poll[struct{}] {
	return f.wr.PollReady(cx)
}

// StartSend encodes frame into the output buffer ([FramedWrite.StartSend]).
func (f *Framed[In, Out]) StartSend(frame Out) error { return f.wr.StartSend(frame) }

// PollFlush writes out the frames accepted and flushes the writer.
func (f *Framed[In, Out]) PollFlush(cx *future.Context) future.Poll[struct{}] {
	return f.wr.PollFlush(cx)
}

// PollClose flushes and shuts down the write side
// ([FramedWrite.PollClose]); the read side goes on.
func (f *Framed[In, Out]) PollClose(cx *future.Context) future.Poll[struct{}] {
	return f.wr.PollClose(cx)
}

// Abandon gives both buffers back at once (future.Abandoner): input not
// decoded and output not written are dropped. Nothing is closed.
func (f *Framed[In, Out]) Abandon() {
	f.rd.Abandon()
	f.wr.Abandon()
}

// Upgrade returns a Framed of codec c over f's reader and writer that keeps
// f's buffers: bytes read and not yet decoded are decoded next with c, and
// output not yet written is written first. It is the protocol upgrade
// (Tokio's map_codec): an HTTP/1.1 connection turning into a WebSocket, a
// line handshake before binary frames. f is left ended and closed; it holds
// nothing. The new frame types are inferred from c:
//
//	bin := codec.Upgrade(lines, codec.NewLengthDelimited())
func Upgrade[In2, Out2, In, Out any](f *Framed[In, Out], c Codec[In2, Out2]) *Framed[In2, Out2] {
	g := &Framed[In2, Out2]{}
	moveRead(&g.rd, &f.rd)
	g.rd.setDecoder(c)
	g.wr.enc = c
	moveWrite(&g.wr, &f.wr)
	return g
}
