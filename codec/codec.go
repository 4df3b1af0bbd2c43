// Package codec turns byte streams into frames and back: a [Decoder] takes
// frames off the front of the bytes read, an [Encoder] appends a frame's bytes
// to what is to be written, and the framed transports run them over an
// aio.AsyncReader and aio.AsyncWriter as a stream of frames and a sink of
// frames.
//
// # Framed transports
//
// [FramedRead] is the stream of the frames a decoder takes off a reader,
// [FramedWrite] the sink of the frames an encoder writes, and [Framed] both
// over one connection, splittable into its halves. [Upgrade] moves a Framed,
// buffers and all, to a codec of other frame types (a protocol upgrade).
// [UDPFramed] is a stream and a sink of [Packet] values over a UDP socket,
// one datagram per frame.
//
// An idle framed connection holds no buffer: the read buffer comes from a
// shared pool while a frame is being read and goes back when every byte read
// has been decoded; the write buffer goes back when it has been written out.
// The write side applies backpressure: PollReady answers pending while the
// output buffered is above a high-water mark.
//
// # Codecs
//
// [Bytes] passes raw chunks, [Lines] splits text lines ([ReadLines] is the
// common case in one call), [LengthDelimited] reads and writes frames with a
// length header ([LengthDelimitedBuilder] for other layouts). docs/codecs.md
// shows how to write one.
package codec

// Decoder takes frames off the front of the input buffered so far.
//
// Decode answers one of three things:
//   - a frame: ok is true, and Decode has consumed the frame's bytes with
//     src.Advance;
//   - need more input: ok is false and err is nil. Decode may have consumed
//     bytes it skips (input it discards), but never a partial frame it will
//     need again;
//   - bad input: err is not nil. Whether decoding can go on after it is the
//     codec's to say: a decoder that can implements [Resumer] (a Lines
//     decoder resumes at the next newline); after the errors of other
//     decoders the framed stream ends.
//
// Decode must not keep src's bytes after it returns: a frame that refers to
// them must copy them, since the buffer is reused.
type Decoder[T any] interface {
	Decode(src *Buffer) (frame T, ok bool, err error)
}

// EOFDecoder is implemented by decoders that treat the end of input
// specially (a Lines decoder hands out an unterminated last line). A framed
// stream that reaches the end of its input calls DecodeEOF, when the decoder
// has it, until it answers no frame; without it, Decode is called instead,
// and bytes left over that make no frame are an [*TrailingBytesError].
type EOFDecoder[T any] interface {
	DecodeEOF(src *Buffer) (frame T, ok bool, err error)
}

// Encoder appends frames to the output.
//
// Encode appends the encoding of frame to dst and returns the extended
// slice, as the strconv.Append functions do; on error it returns dst
// unchanged in length. It must not keep dst.
type Encoder[T any] interface {
	Encode(dst []byte, frame T) ([]byte, error)
}

// Codec is a Decoder of the frames read and an Encoder of the frames
// written, which may be of different types (a server reads requests and
// writes responses).
type Codec[In, Out any] interface {
	Decoder[In]
	Encoder[Out]
}

// MaxFrameLengther is implemented by decoders that bound the input one frame
// may need. A framed reader never grows its buffer beyond it (plus one read's
// worth); a decoder that needs more than that is broken, and the framed stream
// fails with [ErrFrameTooLarge].
type MaxFrameLengther interface {
	MaxFrameLength() int
}

// Buffer is the unread input a Decoder sees: bytes read and not yet consumed.
type Buffer struct {
	buf  []byte // buf[off:] is unread
	off  int
	need int // the decoder's hint: bytes it needs beyond Len (Reserve)
}

// NewBuffer returns a Buffer holding b, for decoding a byte slice by hand (a
// test, a fuzz target, a datagram). The Buffer uses b; it does not copy it.
func NewBuffer(b []byte) *Buffer { return &Buffer{buf: b} }

// Bytes returns the unread input. The slice is valid until the next call
// that changes the buffer.
func (b *Buffer) Bytes() []byte { return b.buf[b.off:] }

// Len is the number of unread bytes.
func (b *Buffer) Len() int { return len(b.buf) - b.off }

// Reserve tells the framed reader that the next frame needs at least n
// bytes more than Len, so that it makes room for them in one step rather
// than growing the buffer as it goes (a length-delimited decoder knows the
// length of the frame from its header). It is a hint: the reader still
// never grows beyond its maximum, and a Buffer made with [NewBuffer] ignores
// it.
func (b *Buffer) Reserve(n int) {
	if n > b.need {
		b.need = n
	}
}

// Advance consumes the first n unread bytes. It panics if n is negative or
// more than Len, a bug in the decoder.
func (b *Buffer) Advance(n int) {
	if n < 0 || n > b.Len() {
		panic("codec: Advance out of range")
	}
	b.off += n
	if b.off == len(b.buf) {
		b.buf, b.off = b.buf[:0], 0
	}
}
