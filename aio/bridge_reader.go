package aio

import (
	"errors"
	"io"
	"net"
	"sync"

	"github.com/eddyio/eddy/future"
)

// ReaderBridge is a blocking io.Reader seen as an [AsyncReader]: a
// goroutine of its own reads the source into a buffer of [BridgeBuffer]
// bytes, and PollRead hands out what it read, answering pending (and
// being woken by the goroutine) while the buffer is empty.
//
// Its PollRead is for one task at a time; Close is safe from any goroutine.
type ReaderBridge struct {
	src    io.Reader
	closer func() error // what Close closes; nil for a ConnBridge's half

	mu      sync.Mutex // guards the fields below
	cond    sync.Cond  // the goroutine waits on it for the buffer to empty
	buf     []byte     // nil until the goroutine starts
	lo, hi  int        // unread bytes: buf[lo:hi]
	err     error      // the source's error (io.EOF at the end), after the bytes
	started bool
	closed  bool
	waker   future.Waker // the task waiting for bytes
}

// FromReader returns r as an AsyncReader for tasks. Nothing happens until
// the first PollRead, which starts the goroutine that reads r; the
// goroutine ends when r reaches its end or an error, or when the bridge is
// closed (once its Read in progress returns). Close closes r if it is an
// io.Closer, which makes a blocked Read return for pipes, connections and
// pollable files.
//
// The cost: one goroutine while reading (blocked in r.Read for as long as
// r has nothing to give), a buffer of [BridgeBuffer] bytes, and a wake-up
// that crosses goroutines for each batch of bytes.
func FromReader(r io.Reader) *ReaderBridge {
	return newReaderBridge(r, func() error { return closeIfCloser(r) })
}

func newReaderBridge(r io.Reader, closer func() error) *ReaderBridge {
	b := &ReaderBridge{src: r, closer: closer}
	b.cond.L = &b.mu
	return b
}

// PollRead copies bytes the goroutine has read into p; it answers io.EOF
// (or the source's error) once they are all handed out, and pending while
// the goroutine is still waiting for more.
func (b *ReaderBridge) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closed:
		return future.Fail[int](errBridgeClosed)
	case len(p) == 0:
		return future.Ok(0)
	case b.lo < b.hi:
		n := copy(p, b.buf[b.lo:b.hi])
		b.lo += n
		if b.lo == b.hi {
			b.cond.Signal() // room for the next read
		}
		return future.Ok(n)
	case b.err != nil:
		return future.Fail[int](b.err)
	case !b.started:
		b.started = true
		b.buf = make([]byte, BridgeBuffer)
		go b.run()
	}
	b.waker = cx.Waker()
	return future.Pending[int]()
}

// run is the goroutine: it reads into the buffer while the buffer is
// empty and wakes the task after each read, until the end, an error or
// Close.
func (b *ReaderBridge) run() {
	for {
		n, err := call(b.src, func() (int, error) { return b.src.Read(b.buf) }) // the buffer is empty: the task does not touch it
		b.mu.Lock()
		if n < 0 || n > len(b.buf) {
			n, err = 0, errors.New("aio: reader returned an invalid count")
		}
		b.lo, b.hi = 0, n
		if err != nil {
			b.err = err // handed out after the bytes
		}
		w := b.waker
		b.waker = nil
		if !b.closed && err == nil {
			for b.lo < b.hi && !b.closed {
				if w != nil { // wake the task before waiting for it
					b.mu.Unlock()
					w.Wake()
					w = nil
					b.mu.Lock()
					continue
				}
				b.cond.Wait()
			}
		}
		done := b.closed || b.err != nil
		if b.closed {
			b.buf, b.lo, b.hi = nil, 0, 0
		}
		b.mu.Unlock()
		if w != nil {
			w.Wake()
		}
		if done {
			return
		}
	}
}

// Close closes the bridge: later reads fail with an error matching
// net.ErrClosed, and r is closed if it is an io.Closer. The goroutine ends
// as soon as its Read in progress returns. Close does not block, so a task
// may call it.
func (b *ReaderBridge) Close() error {
	err := b.stop()
	if b.closer != nil {
		if cerr := b.closer(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
			return cerr
		}
	}
	return err
}

// stop marks the bridge closed and lets the goroutine go.
func (b *ReaderBridge) stop() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errBridgeClosed
	}
	b.closed = true
	b.cond.Signal()
	if !b.started || b.err != nil {
		b.buf = nil
	}
	return nil
}
