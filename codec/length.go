package codec

import (
	"errors"
	"math"
	"strconv"
)

// DefaultMaxLengthDelimited is the default maximum frame length of a
// [LengthDelimited] codec: 8 MiB, as Tokio's.
const DefaultMaxLengthDelimited = 8 << 20

// ErrNegativeLength is the error of a length field whose value, with the
// codec's adjustment, gives a negative frame length. Decoding cannot find
// the next frame after it; the stream ends.
var ErrNegativeLength = errors.New("codec: length field gives a negative frame length")

// FrameLengthError reports a frame longer than a [LengthDelimited] codec's
// maximum: announced by a header read (decoding skips the frame's bytes
// and goes on with the next) or given to the encoder (the frame is not
// written). It matches [ErrFrameTooLarge] with errors.Is.
type FrameLengthError struct {
	Length uint64 // the frame's length after the length field, as announced or given
	Max    int    // the codec's maximum
}

// Error says how long the frame was and the maximum.
func (e *FrameLengthError) Error() string {
	return "codec: frame of " + strconv.FormatUint(e.Length, 10) + " bytes over the maximum of " + strconv.Itoa(e.Max)
}

// Is reports whether target is [ErrFrameTooLarge].
func (e *FrameLengthError) Is(target error) bool { return target == ErrFrameTooLarge }

// LengthDelimitedBuilder configures a [LengthDelimited] codec, as Tokio's
// length_delimited::Builder does. Its zero value gives the default codec:
// a 4-byte big-endian length field at the start of each frame, counting
// the bytes after it, skipped from the frames handed out, and a maximum of
// [DefaultMaxLengthDelimited]. Each method returns a changed copy, so a
// builder is a value that can be kept and extended:
//
//	ld, err := codec.LengthDelimitedBuilder{}.LengthFieldLength(2).LittleEndian().Build()
type LengthDelimitedBuilder struct {
	offset  int
	length  int // 0: 4
	adjust  int
	skip    int
	skipSet bool // skip was given; otherwise the whole head is skipped
	little  bool
	max     int // 0: DefaultMaxLengthDelimited
}

// LengthFieldOffset sets the number of bytes in each frame before the
// length field (0 by default).
func (b LengthDelimitedBuilder) LengthFieldOffset(n int) LengthDelimitedBuilder {
	b.offset = n
	return b
}

// LengthFieldLength sets the size of the length field: 1, 2, 3, 4 (the
// default) or 8 bytes.
func (b LengthDelimitedBuilder) LengthFieldLength(n int) LengthDelimitedBuilder {
	b.length = n
	return b
}

// LengthAdjustment sets what is added to the length field's value to get
// the number of bytes that follow the length field (0 by default; -4 for
// a 4-byte field that counts itself, for example).
func (b LengthDelimitedBuilder) LengthAdjustment(n int) LengthDelimitedBuilder {
	b.adjust = n
	return b
}

// NumSkip sets how many bytes are dropped from the front of each frame
// before it is handed out. By default the whole head is: the bytes before
// the length field and the length field itself. NumSkip(0) keeps them.
func (b LengthDelimitedBuilder) NumSkip(n int) LengthDelimitedBuilder {
	b.skip, b.skipSet = n, true
	return b
}

// BigEndian makes the length field big-endian (network order, the
// default).
func (b LengthDelimitedBuilder) BigEndian() LengthDelimitedBuilder {
	b.little = false
	return b
}

// LittleEndian makes the length field little-endian.
func (b LengthDelimitedBuilder) LittleEndian() LengthDelimitedBuilder {
	b.little = true
	return b
}

// MaxFrameLength sets the longest frame accepted, counted after the
// length field ([DefaultMaxLengthDelimited] by default).
func (b LengthDelimitedBuilder) MaxFrameLength(n int) LengthDelimitedBuilder {
	b.max = n
	return b
}

// Build returns the codec, or an error for a configuration that cannot
// work: a length field of another size than 1, 2, 3, 4 or 8 bytes, a
// negative offset, skip or maximum, or more bytes to skip than the head.
func (b LengthDelimitedBuilder) Build() (*LengthDelimited, error) {
	c := &LengthDelimited{offset: b.offset, length: b.length, adjust: b.adjust, little: b.little, max: b.max}
	if c.length == 0 {
		c.length = 4
	}
	if c.max == 0 {
		c.max = DefaultMaxLengthDelimited
	}
	c.head = c.offset + c.length
	c.skip = c.head
	if b.skipSet {
		c.skip = b.skip
	}
	switch {
	case c.length != 1 && c.length != 2 && c.length != 3 && c.length != 4 && c.length != 8:
		return nil, errors.New("codec: length field of " + strconv.Itoa(c.length) + " bytes; want 1, 2, 3, 4 or 8")
	case c.offset < 0 || c.skip < 0 || c.max < 0:
		return nil, errors.New("codec: negative length field offset, skip or maximum")
	case c.skip > c.head:
		return nil, errors.New("codec: skip of " + strconv.Itoa(c.skip) + " bytes beyond the head of " + strconv.Itoa(c.head))
	case c.max > math.MaxInt-c.head-ReadBufferSize:
		c.max = math.MaxInt - c.head - ReadBufferSize
	}
	return c, nil
}

// LengthDelimited is the codec of frames that announce their length in a
// header, as Tokio's LengthDelimitedCodec: each frame is a head (bytes
// before a length field, then the field) followed by as many bytes as the
// field says, adjusted. See [LengthDelimitedBuilder] for the layouts;
// [NewLengthDelimited] is the default one, a 4-byte big-endian length then
// the payload.
//
// The frames are []byte, copies of the input. A header announcing a frame
// longer than the maximum is a [*FrameLengthError] before any byte of the
// frame is buffered (nothing is allocated for it); decoding then skips the
// frame's bytes as they come, without buffering them, and goes on with the
// next frame ([Resumer]). The decoder tells the framed reader how long the
// frame it waits for is ([Buffer.Reserve]), so a large frame grows the
// buffer once.
//
// Encode writes LengthFieldOffset zero bytes, the length field, then the
// frame: it mirrors Decode for the layouts that skip the whole head (the
// default); with a smaller NumSkip, the head Decode hands out is not what
// Encode expects.
//
// A LengthDelimited value keeps the state of one stream: give each
// connection its own.
type LengthDelimited struct {
	offset, length, head, skip, adjust, max int
	little                                  bool
	discard                                 uint64 // bytes of a frame too long still to skip
}

// NewLengthDelimited returns the default length-delimited codec: a 4-byte
// big-endian length field, then that many bytes of payload; frames of up
// to [DefaultMaxLengthDelimited] bytes.
func NewLengthDelimited() *LengthDelimited {
	c, _ := LengthDelimitedBuilder{}.Build()
	return c
}

// MaxFrameLength is the longest input one frame needs: the head and the
// maximum.
func (c *LengthDelimited) MaxFrameLength() int { return c.head + c.max }

// Resumes reports whether decoding goes on after err: it does after a
// frame too long, whose bytes it skips.
func (c *LengthDelimited) Resumes(err error) bool {
	_, ok := err.(*FrameLengthError)
	return ok
}

// Decode takes the next complete frame off src.
func (c *LengthDelimited) Decode(src *Buffer) ([]byte, bool, error) {
	if c.discard > 0 {
		n := int(min(c.discard, uint64(src.Len())))
		src.Advance(n)
		c.discard -= uint64(n)
		if c.discard > 0 {
			return nil, false, nil
		}
	}
	b := src.Bytes()
	if len(b) < c.head {
		src.Reserve(c.head - len(b))
		return nil, false, nil
	}
	v := c.field(b[c.offset:c.head])
	if v > math.MaxInt32*uint64(1<<31) {
		// Far beyond any maximum, and beyond int arithmetic.
		return nil, false, c.tooLong(src, v)
	}
	n := int64(v) + int64(c.adjust)
	if n < 0 {
		return nil, false, ErrNegativeLength
	}
	if n > int64(c.max) {
		return nil, false, c.tooLong(src, uint64(n))
	}
	total := c.head + int(n)
	if len(b) < total {
		src.Reserve(total - len(b))
		return nil, false, nil
	}
	frame := append([]byte(nil), b[c.skip:total]...)
	src.Advance(total)
	return frame, true, nil
}

// DecodeEOF is Decode at the end of input. Once it answers no frame, the
// decoder is reset: a frame too long that was being skipped ended with the
// input.
func (c *LengthDelimited) DecodeEOF(src *Buffer) ([]byte, bool, error) {
	frame, ok, err := c.Decode(src)
	if !ok && err == nil {
		c.discard = 0
	}
	return frame, ok, err
}

// tooLong reports a frame of n bytes after its length field and starts
// skipping its bytes, the head included.
func (c *LengthDelimited) tooLong(src *Buffer, n uint64) error {
	c.discard = n + uint64(c.head)
	if c.discard < n { // overflow: skip as far as we can count
		c.discard = math.MaxUint64
	}
	skip := int(min(c.discard, uint64(src.Len())))
	src.Advance(skip)
	c.discard -= uint64(skip)
	return &FrameLengthError{Length: n, Max: c.max}
}

// field reads the length field.
func (c *LengthDelimited) field(b []byte) uint64 {
	var v uint64
	if c.little {
		for i := len(b) - 1; i >= 0; i-- {
			v = v<<8 | uint64(b[i])
		}
		return v
	}
	for _, x := range b {
		v = v<<8 | uint64(x)
	}
	return v
}

// Encode appends the head and frame to dst. A frame over the maximum is a
// [*FrameLengthError]; one whose length does not fit the length field, or
// shorter than a negative adjustment allows, is an error too.
func (c *LengthDelimited) Encode(dst []byte, frame []byte) ([]byte, error) {
	if len(frame) > c.max {
		return dst, &FrameLengthError{Length: uint64(len(frame)), Max: c.max}
	}
	v := int64(len(frame)) - int64(c.adjust)
	if v < 0 || (c.length < 8 && uint64(v) >= 1<<(8*c.length)) {
		return dst, errors.New("codec: frame of " + strconv.Itoa(len(frame)) + " bytes does not fit a length field of " + strconv.Itoa(c.length) + " bytes")
	}
	for range c.offset {
		dst = append(dst, 0)
	}
	for i := range c.length {
		shift := 8 * (c.length - 1 - i)
		if c.little {
			shift = 8 * i
		}
		dst = append(dst, byte(uint64(v)>>shift))
	}
	return append(dst, frame...), nil
}
