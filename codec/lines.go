package codec

import (
	"bytes"
	"errors"
	"strings"

	"github.com/eddyio/eddy/aio"
)

// MaxLineLength is the longest line a [Lines] codec accepts by default, as
// bufio.Scanner's MaxScanTokenSize: 64 KiB.
const MaxLineLength = 64 << 10

// ErrLineTooLong is the item error of a line longer than the maximum of its
// [Lines] codec. Decoding resumes after it: the long line's bytes are
// skipped, up to and including its newline, without being buffered, and the
// next line is decoded as usual.
var ErrLineTooLong = errors.New("codec: line too long")

// ErrNewlineInLine is the error of a [Lines] encoder asked to write a line
// that holds a newline, which would reach the peer as two lines.
var ErrNewlineInLine = errors.New("codec: line holds a newline")

// Lines is the codec of text lines, as bufio.Scanner's ScanLines splits
// them: a frame is a line without its end-of-line marker ("\n" or "\r\n"),
// the last line may lack a newline, and an empty input has no lines.
//
// A line longer than the maximum ([MaxLineLength] unless [NewLinesMax]
// says otherwise; the marker does not count) is an [ErrLineTooLong] item
// error, after which decoding resumes at the next line: the long line's
// bytes are dropped as they come, so memory never grows past the maximum
// whatever the peer sends. A decoder remembers how far it has searched a
// partial line for a newline, so a long line arriving in small reads is
// not scanned again from its start on each read.
//
// A Lines value keeps the state of one stream: give each connection its
// own.
type Lines struct {
	max        int
	next       int  // bytes at the front of the input known to hold no newline
	discarding bool // skipping the rest of a line too long
}

// NewLines returns a Lines codec with the maximum [MaxLineLength].
func NewLines() *Lines { return &Lines{max: MaxLineLength} }

// NewLinesMax returns a Lines codec whose lines are at most max bytes
// (max <= 0 means [MaxLineLength]).
func NewLinesMax(max int) *Lines {
	if max <= 0 {
		max = MaxLineLength
	}
	return &Lines{max: max}
}

// ReadLines returns the stream of the lines of r: [NewFramedRead] with a
// [NewLines] codec, the common case of a line protocol.
func ReadLines(r aio.AsyncReader) *FramedRead[string] { return NewFramedRead(r, NewLines()) }

// MaxFrameLength is the longest input a line needs: the maximum and "\r\n".
func (l *Lines) MaxFrameLength() int { return l.limit() + 2 }

func (l *Lines) limit() int {
	if l.max <= 0 {
		return MaxLineLength
	}
	return l.max
}

// Resumes reports whether decoding goes on after err: it does after
// [ErrLineTooLong].
func (l *Lines) Resumes(err error) bool { return err == ErrLineTooLong }

// Decode takes the next complete line off src.
func (l *Lines) Decode(src *Buffer) (string, bool, error) {
	max := l.limit()
	for {
		b := src.Bytes()
		if l.discarding {
			i := bytes.IndexByte(b, '\n')
			if i < 0 {
				src.Advance(len(b))
				return "", false, nil
			}
			src.Advance(i + 1)
			l.discarding = false
			continue
		}
		// A newline beyond max+1 ends a line too long: search no further.
		end := min(len(b), max+2)
		i := bytes.IndexByte(b[min(l.next, end):end], '\n')
		if i >= 0 {
			i += min(l.next, end)
			l.next = 0
			line := dropCR(b[:i])
			if len(line) > max {
				src.Advance(i + 1)
				return "", false, ErrLineTooLong
			}
			s := string(line)
			src.Advance(i + 1)
			return s, true, nil
		}
		l.next = end
		if len(b) > max+1 || (len(b) == max+1 && b[max] != '\r') {
			// Too long whatever comes next: drop what was searched, and
			// the rest up to the newline on the next calls.
			src.Advance(end)
			l.next, l.discarding = 0, true
			return "", false, ErrLineTooLong
		}
		return "", false, nil
	}
}

// DecodeEOF is Decode at the end of input: the last line may lack its
// newline. Once it answers no line, the decoder is reset: a line too long
// that was being skipped ended with the input.
func (l *Lines) DecodeEOF(src *Buffer) (string, bool, error) {
	s, ok, err := l.Decode(src)
	if ok || err != nil {
		return s, ok, err
	}
	if src.Len() == 0 || l.discarding {
		src.Advance(src.Len())
		l.next, l.discarding = 0, false
		return "", false, nil
	}
	s = string(dropCR(src.Bytes()))
	src.Advance(src.Len())
	l.next = 0
	return s, true, nil
}

// Encode appends line and "\n" to dst. A line holding a newline is
// [ErrNewlineInLine].
func (l *Lines) Encode(dst []byte, line string) ([]byte, error) {
	if strings.IndexByte(line, '\n') >= 0 {
		return dst, ErrNewlineInLine
	}
	dst = append(dst, line...)
	return append(dst, '\n'), nil
}

func dropCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}
