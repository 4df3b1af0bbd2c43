package codec

import (
	"errors"
	"strconv"
)

// ErrFrameTooLarge is the item error of a framed stream whose decoder needs
// more input for one frame than its maximum allows ([MaxFrameLengther], or
// [DefaultMaxFrameLength] for a decoder without one): the reader fails
// rather than grow its buffer further, and the stream ends. The
// length-delimited codec's error for a header that announces too long a
// frame also matches it with errors.Is.
var ErrFrameTooLarge = errors.New("codec: frame too large")

// ErrTrailingBytes is matched with errors.Is by every [*TrailingBytesError].
var ErrTrailingBytes = errors.New("codec: bytes left over at end of input")

// ErrClosed is the error of a framed sink used after PollClose.
var ErrClosed = errors.New("codec: framed sink closed")

// TrailingBytesError is the last item error of a framed stream whose input
// ended with bytes that make no frame (a partial frame cut by the peer).
type TrailingBytesError struct {
	// N is the number of bytes left over.
	N int
}

// Error says how many bytes were left over.
func (e *TrailingBytesError) Error() string {
	return "codec: " + strconv.Itoa(e.N) + " bytes left over at end of input"
}

// Is reports whether target is [ErrTrailingBytes].
func (e *TrailingBytesError) Is(target error) bool { return target == ErrTrailingBytes }

// Resumer is implemented by decoders that can go on decoding after some of
// their own errors. A framed stream ends after an item error of its decoder
// unless the decoder implements Resumer and Resumes(err) is true: then the
// next poll decodes on. Lines resumes after [ErrLineTooLong] (at the next
// newline), LengthDelimited after a frame over its maximum (past that
// frame's bytes).
type Resumer interface {
	Resumes(err error) bool
}

// resumes reports whether dec goes on after err.
func resumes(dec any, err error) bool {
	r, ok := dec.(Resumer)
	return ok && r.Resumes(err)
}
