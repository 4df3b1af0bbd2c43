package aio

import (
	"errors"
	"io"
	"net"
	"sync"

	"github.com/eddyio/eddy/future"
)

// WriterBridge is a blocking io.Writer seen as an [AsyncWriter]: PollWrite
// copies bytes into a buffer of [BridgeBuffer] bytes and answers at once,
// and a goroutine of its own writes the buffer out; while the buffer is
// full (the goroutine still writing the previous one), PollWrite answers
// pending and the goroutine wakes the task when it is done. An error of
// the destination is answered by the next PollWrite, PollFlush or
// PollShutdown.
//
// Its poll methods are for one task at a time; Close is safe from any
// goroutine.
type WriterBridge struct {
	dst      io.Writer
	closer   func() error // what Close closes; nil for a ConnBridge's half
	shutdown func() error // what PollShutdown calls after flushing; may be nil

	mu       sync.Mutex // guards the fields below
	cond     sync.Cond  // the goroutine waits on it for bytes
	fill     []byte     // accepted bytes the goroutine has not taken yet
	spare    []byte     // the other buffer, while the goroutine does not hold it
	writing  bool       // the goroutine is in dst.Write
	err      error
	started  bool
	shut     bool // PollShutdown has run: nothing more is written
	closed   bool
	dstGone  bool // the shutdown closed dst already
	waker    future.Waker
	shutdErr error
}

// FromWriter returns w as an AsyncWriter for tasks. Nothing happens until
// the first PollWrite, which starts the goroutine that writes to w; the
// goroutine ends when a write fails, after PollShutdown, or when the
// bridge is closed (once its Write in progress returns). PollShutdown
// flushes and then closes w if it is an io.Closer (the end of a writer is
// its close); Close closes it too, if the shutdown did not.
//
// The cost: one goroutine while writing (it waits for bytes while the
// bridge is idle), two buffers of [BridgeBuffer] bytes (one filled by the
// task while the goroutine writes the other), and a wake-up that crosses
// goroutines whenever the task waits for room or for a flush.
func FromWriter(w io.Writer) *WriterBridge {
	b := newWriterBridge(w, func() error { return closeIfCloser(w) })
	b.shutdown = func() error {
		b.mu.Lock()
		b.dstGone = true
		b.mu.Unlock()
		return closeIfCloser(w)
	}
	return b
}

func newWriterBridge(w io.Writer, closer func() error) *WriterBridge {
	b := &WriterBridge{dst: w, closer: closer}
	b.cond.L = &b.mu
	return b
}

// PollWrite copies as much of p as the buffer has room for, and answers
// pending while it has none.
func (b *WriterBridge) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closed:
		return future.Fail[int](errBridgeClosed)
	case b.err != nil:
		return future.Fail[int](b.err)
	case b.shut:
		return future.Fail[int](errWriteAfterShutdown)
	case len(p) == 0:
		return future.Ok(0)
	case !b.started:
		b.started = true
		b.fill = make([]byte, 0, BridgeBuffer)
		go b.run()
	case len(b.fill) == cap(b.fill):
		b.waker = cx.Waker()
		return future.Pending[int]()
	}
	n := copy(b.fill[len(b.fill):cap(b.fill)], p)
	b.fill = b.fill[:len(b.fill)+n]
	b.cond.Signal()
	return future.Ok(n)
}

// PollFlush answers ready once every byte accepted has been written to the
// destination.
func (b *WriterBridge) PollFlush(cx *future.Context) future.Poll[struct{}] {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.closed:
		return future.Fail[struct{}](errBridgeClosed)
	case b.err != nil:
		return future.Fail[struct{}](b.err)
	case len(b.fill) == 0 && !b.writing:
		return future.Ok(struct{}{})
	}
	b.waker = cx.Waker()
	return future.Pending[struct{}]()
}

// PollShutdown flushes, then ends the write side: a ConnBridge calls its
// connection's CloseWrite (if it has one), a bridge of FromWriter closes
// its writer (if it is an io.Closer). The goroutine ends with it.
func (b *WriterBridge) PollShutdown(cx *future.Context) future.Poll[struct{}] {
	b.mu.Lock()
	if b.shut {
		err := b.shutdErr
		b.mu.Unlock()
		return future.Result(struct{}{}, err)
	}
	b.mu.Unlock()
	if p := b.PollFlush(cx); !p.IsReady() || p.Err() != nil {
		return p
	}
	var err error
	if b.shutdown != nil {
		err = b.shutdown()
	}
	b.mu.Lock()
	b.shut, b.shutdErr = true, err
	b.cond.Signal()
	b.mu.Unlock()
	return future.Result(struct{}{}, err)
}

// run is the goroutine: it takes the filled buffer, writes it out, and
// wakes the task waiting for room or a flush, until an error, the shutdown
// or Close.
func (b *WriterBridge) run() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for {
		for len(b.fill) == 0 && !b.closed && !b.shut {
			b.cond.Wait()
		}
		if b.closed || len(b.fill) == 0 {
			b.fill, b.spare = nil, nil
			return
		}
		data := b.fill
		if b.spare == nil {
			b.spare = make([]byte, 0, BridgeBuffer)
		}
		b.fill, b.spare = b.spare[:0], nil
		b.writing = true
		b.wake() // a task waiting for room has some now
		b.mu.Unlock()
		_, err := call(b.dst, func() (int, error) { return b.dst.Write(data) })
		b.mu.Lock()
		b.writing = false
		b.spare = data[:0]
		if err != nil && b.err == nil {
			b.err = err
		}
		b.wake() // a flush may be done, or the error is for the task to see
		if b.err != nil {
			b.fill, b.spare = nil, nil
			return
		}
	}
}

// wake wakes the task waiting, if any, outside the lock, which the caller
// holds.
func (b *WriterBridge) wake() {
	if w := b.waker; w != nil {
		b.waker = nil
		b.mu.Unlock()
		w.Wake()
		b.mu.Lock()
	}
}

// Close closes the bridge and its writer (if it is an io.Closer and the
// shutdown did not close it). Bytes accepted and not yet written are
// dropped, and Close then answers [ErrUnflushed]: flush (or shut down)
// first to know they were written. The goroutine ends as soon as its Write
// in progress returns. Close does not block, so a task may call it.
func (b *WriterBridge) Close() error {
	err := b.stop()
	b.mu.Lock()
	gone := b.dstGone
	b.mu.Unlock()
	if b.closer != nil && !gone {
		if cerr := b.closer(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
			return errors.Join(err, cerr)
		}
	}
	return err
}

// stop marks the bridge closed and lets the goroutine go, reporting bytes
// it drops.
func (b *WriterBridge) stop() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errBridgeClosed
	}
	b.closed = true
	b.cond.Signal()
	var err error
	if b.err == nil && (len(b.fill) > 0 || b.writing) {
		err = ErrUnflushed
	}
	if !b.writing {
		b.fill, b.spare = nil, nil
	}
	return err
}

var _ io.Closer = (*WriterBridge)(nil)
