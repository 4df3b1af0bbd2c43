package aio

import (
	"bytes"
	"errors"
	"io"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// MaxLineLength is the longest line Lines accepts by default, as
// bufio.Scanner's MaxScanTokenSize.
const MaxLineLength = 64 << 10

// ErrLineTooLong is the item error of a Lines stream whose input holds a
// line longer than its limit; the stream ends after it.
var ErrLineTooLong = errors.New("aio: line too long")

// lines splits its reader's bytes into lines.
type lines struct {
	r     AsyncReader
	max   int
	buf   []byte // unread input: buf[start:]
	start int
	eof   bool
	done  bool
}

// Lines returns the stream of the lines of r, without their end-of-line
// marker ("\n" or "\r\n"), as bufio.Scanner's ScanLines splits them: the
// last line may lack a newline, and an empty input has no lines. A read
// error is an item error and ends the stream, as does a line longer than
// [MaxLineLength] ([ErrLineTooLong]). Nothing is read until the first poll.
func Lines(r AsyncReader) stream.Stream[string] { return LinesLimit(r, MaxLineLength) }

// LinesLimit is Lines with a limit of max bytes per line.
func LinesLimit(r AsyncReader, max int) stream.Stream[string] { return &lines{r: r, max: max} }

func (l *lines) PollNext(cx *future.Context) stream.Poll[string] {
	for !l.done {
		if line, ok := l.next(); ok {
			if len(line) > l.max {
				l.done = true
				return stream.Fail[string](ErrLineTooLong)
			}
			return stream.Item(line)
		}
		if l.eof {
			l.done = true
			if rest := l.buf[l.start:]; len(rest) > 0 {
				return stream.Item(string(dropCR(rest)))
			}
			break
		}
		if len(l.buf)-l.start > l.max {
			l.done = true
			return stream.Fail[string](ErrLineTooLong)
		}
		pending, err := l.fill(cx)
		if pending {
			return stream.Pending[string]()
		}
		if err != nil {
			l.done = true
			return stream.Fail[string](err)
		}
	}
	return stream.End[string]()
}

// next cuts the next complete line from the buffer.
func (l *lines) next() (string, bool) {
	i := bytes.IndexByte(l.buf[l.start:], '\n')
	if i < 0 {
		return "", false
	}
	line := string(dropCR(l.buf[l.start : l.start+i]))
	l.start += i + 1
	return line, true
}

// fill reads more input after what is buffered, compacting first. It
// reports pending (the reader parked the waker) apart from errors.
func (l *lines) fill(cx *future.Context) (pending bool, err error) {
	if l.start > 0 {
		n := copy(l.buf, l.buf[l.start:])
		l.buf, l.start = l.buf[:n], 0
	}
	if cap(l.buf)-len(l.buf) < 512 {
		l.buf = append(l.buf, make([]byte, max(len(l.buf), 4096))...)[:len(l.buf)]
	}
	p := l.r.PollRead(cx, l.buf[len(l.buf):cap(l.buf)])
	if p.IsPending() {
		return true, nil
	}
	l.buf = l.buf[:len(l.buf)+p.Value()]
	if p.Value() == 0 && p.Err() == nil {
		return false, io.ErrNoProgress // a reader breaking its contract
	}
	if err := p.Err(); err == io.EOF {
		l.eof = true
	} else if err != nil {
		return false, err
	}
	return false, nil
}

func dropCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}
