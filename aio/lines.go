package aio

import (
	"bytes"
	"errors"
	"io"
	"sync"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// MaxLineLength is the longest line Lines accepts by default, as
// bufio.Scanner's MaxScanTokenSize.
const MaxLineLength = 64 << 10

// ErrLineTooLong is the item error of a Lines stream whose input holds a
// line longer than its limit; the stream ends after it.
var ErrLineTooLong = errors.New("aio: line too long")

// lineBufSize is the size of the pooled buffers of Lines streams. A line
// that outgrows one is read into a larger buffer of its own, dropped once the
// line is consumed.
const lineBufSize = 4 << 10

// linePool holds the buffers of Lines streams that are idle, so that an idle
// stream holds none and a busy one reuses a buffer without allocating. It
// holds pointers to arrays, which an interface stores without allocating.
var linePool = sync.Pool{New: func() any { return new([lineBufSize]byte) }}

// lines splits its reader's bytes into lines.
type lines struct {
	r      AsyncReader
	max    int
	buf    []byte             // unread input: buf[start:]; nil while idle
	pooled *[lineBufSize]byte // the pool's buffer behind buf, if buf is one
	start  int
	eof    bool
	done   bool
}

// Lines returns the stream of the lines of r, without their end-of-line
// marker ("\n" or "\r\n"), as bufio.Scanner's ScanLines splits them: the
// last line may lack a newline, and an empty input has no lines. A read
// error is an item error and ends the stream, as does a line longer than
// [MaxLineLength] ([ErrLineTooLong]). Nothing is read until the first poll.
//
// While every byte read has been handed out as a line and the reader has
// nothing to give, the stream holds no buffer: it takes one from a shared
// pool when input comes and gives it back when it runs dry. A partial line
// is kept across idle periods. When r implements [ReadinessReader], the
// stream waits for readiness before it takes a buffer.
func Lines(r AsyncReader) stream.Stream[string] { return LinesLimit(r, MaxLineLength) }

// LinesLimit is Lines with a limit of max bytes per line.
func LinesLimit(r AsyncReader, max int) stream.Stream[string] { return &lines{r: r, max: max} }

func (l *lines) PollNext(cx *future.Context) stream.Poll[string] {
	for !l.done {
		if line, ok := l.next(); ok {
			if len(line) > l.max {
				l.finish()
				return stream.Fail[string](ErrLineTooLong)
			}
			return stream.Item(line)
		}
		if l.eof {
			rest := l.buf[l.start:]
			line := string(dropCR(rest))
			l.finish()
			if len(rest) > 0 {
				return stream.Item(line)
			}
			break
		}
		if unread := l.buf[l.start:]; len(unread) > l.max && (len(unread) > l.max+1 || unread[l.max] != '\r') {
			// Too long even if its end-of-line marker comes next: a
			// line of max bytes may wait here with the '\r' of its "\r\n".
			l.finish()
			return stream.Fail[string](ErrLineTooLong)
		}
		pending, err := l.fill(cx)
		if pending {
			return stream.Pending[string]()
		}
		if err != nil {
			l.finish()
			return stream.Fail[string](err)
		}
	}
	return stream.End[string]()
}

// finish ends the stream and lets go of its buffer and reader.
func (l *lines) finish() {
	l.done = true
	l.start = len(l.buf)
	l.release()
	l.r = nil
}

// release gives the buffer back while it holds no unread byte: to the pool
// if it came from there, to the garbage collector if it was grown for a
// long line.
func (l *lines) release() {
	if l.start < len(l.buf) {
		return // a partial line: data, kept
	}
	if l.pooled != nil {
		linePool.Put(l.pooled)
	}
	l.buf, l.pooled, l.start = nil, nil, 0
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
// reports pending (the reader parked the waker) apart from errors. With
// nothing buffered, it holds no buffer while the reader is not ready.
func (l *lines) fill(cx *future.Context) (pending bool, err error) {
	if l.start == len(l.buf) {
		l.release()
		if rr, ok := l.r.(ReadinessReader); ok {
			p := rr.PollReadReady(cx)
			if p.IsPending() {
				return true, nil
			}
			if err := p.Err(); err != nil {
				return false, err
			}
		}
	}
	switch unread := l.buf[l.start:]; {
	case l.buf == nil:
		l.pooled = linePool.Get().(*[lineBufSize]byte)
		l.buf = l.pooled[:0]
	case l.pooled == nil && len(unread) <= lineBufSize/2:
		// A long line is consumed: back to a pooled buffer.
		l.pooled = linePool.Get().(*[lineBufSize]byte)
		l.buf, l.start = l.pooled[:copy(l.pooled[:], unread)], 0
	case l.start > 0:
		l.buf, l.start = l.buf[:copy(l.buf, unread)], 0
	}
	if cap(l.buf)-len(l.buf) < 512 {
		// A long line: grow into a buffer of its own.
		grown := make([]byte, len(l.buf), 2*cap(l.buf))
		copy(grown, l.buf)
		if l.pooled != nil {
			linePool.Put(l.pooled)
			l.pooled = nil
		}
		l.buf = grown
	}
	p := l.r.PollRead(cx, l.buf[len(l.buf):cap(l.buf)])
	if p.IsPending() {
		l.release()
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

// Abandon gives the buffer back at once, a partial line included, and lets
// go of the reader (future.Abandoner). The reader is not closed.
func (l *lines) Abandon() { l.finish() }
