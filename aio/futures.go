package aio

import (
	"io"

	"github.com/eddyio/eddy/future"
)

// shutdown flushes a writer and then shuts down its write side.
type shutdown struct {
	w       AsyncWriter
	flushed bool
	done    bool
}

// Shutdown returns a future that flushes w and then shuts down its write
// side (for TCP: sends FIN, so the peer reads EOF; reading goes on).
func Shutdown(w AsyncWriter) future.Future[struct{}] { return &shutdown{w: w} }

func (s *shutdown) Poll(cx *future.Context) future.Poll[struct{}] {
	if s.done {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	if !s.flushed {
		p := s.w.PollFlush(cx)
		if p.IsPending() {
			return p
		}
		if p.Err() != nil {
			s.done = true
			return p
		}
		s.flushed = true
	}
	p := s.w.PollShutdown(cx)
	s.done = p.IsReady()
	return p
}

// writeAll writes a whole buffer.
type writeAll struct {
	w    AsyncWriter
	buf  []byte
	n    int
	done bool
}

// WriteAll returns a future that writes all of buf to w, across as many
// partial writes as it takes, and is ready with the count written. It
// fails with io.ErrShortWrite if w accepts nothing without an error.
func WriteAll(w AsyncWriter, buf []byte) future.Future[int] { return &writeAll{w: w, buf: buf} }

func (f *writeAll) Poll(cx *future.Context) future.Poll[int] {
	if f.done {
		return future.Fail[int](future.ErrPolledAfterCompletion)
	}
	for f.n < len(f.buf) {
		p := f.w.PollWrite(cx, f.buf[f.n:])
		if p.IsPending() {
			return p
		}
		if err := p.Err(); err != nil {
			f.done = true
			return future.Result(f.n, err)
		}
		if p.Value() == 0 {
			f.done = true
			return future.Result(f.n, io.ErrShortWrite)
		}
		f.n += p.Value()
	}
	f.done = true
	return future.Ok(f.n)
}

// readExact fills a whole buffer.
type readExact struct {
	r    AsyncReader
	buf  []byte
	n    int
	done bool
}

// ReadExact returns a future that reads exactly len(buf) bytes into buf. If
// the input ends first it fails with io.ErrUnexpectedEOF (io.EOF if nothing
// was read), and its value is the count read, as io.ReadFull reports.
func ReadExact(r AsyncReader, buf []byte) future.Future[int] { return &readExact{r: r, buf: buf} }

func (f *readExact) Poll(cx *future.Context) future.Poll[int] {
	if f.done {
		return future.Fail[int](future.ErrPolledAfterCompletion)
	}
	for f.n < len(f.buf) {
		p := f.r.PollRead(cx, f.buf[f.n:])
		if p.IsPending() {
			return p
		}
		f.n += p.Value()
		if err := p.Err(); err != nil {
			f.done = true
			if err == io.EOF && f.n > 0 {
				err = io.ErrUnexpectedEOF
			}
			return future.Result(f.n, err)
		}
	}
	f.done = true
	return future.Ok(f.n)
}

// readToEnd reads until EOF.
type readToEnd struct {
	r    AsyncReader
	buf  []byte
	done bool
}

// ReadToEnd returns a future that reads r until EOF and is ready with
// everything read (EOF is not an error here, as with io.ReadAll).
func ReadToEnd(r AsyncReader) future.Future[[]byte] { return &readToEnd{r: r} }

func (f *readToEnd) Poll(cx *future.Context) future.Poll[[]byte] {
	if f.done {
		return future.Fail[[]byte](future.ErrPolledAfterCompletion)
	}
	for {
		if len(f.buf) == cap(f.buf) {
			f.buf = append(f.buf, 0)[:len(f.buf)]
		}
		p := f.r.PollRead(cx, f.buf[len(f.buf):cap(f.buf)])
		if p.IsPending() {
			return future.Pending[[]byte]()
		}
		f.buf = f.buf[:len(f.buf)+p.Value()]
		if err := p.Err(); err != nil {
			f.done = true
			if err == io.EOF {
				err = nil
			}
			return future.Result(f.buf, err)
		}
	}
}
