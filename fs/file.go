package fs

import (
	"errors"
	"io"
	iofs "io/fs"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
)

// MaxBuffer bounds the bytes one read or write of a [File] on the blocking
// pool moves: a PollRead with a larger slice reads at most this much, and a
// PollWrite takes at most this much of its slice.
const MaxBuffer = 1 << 20

// File is an open file as an [aio.AsyncReader] and [aio.AsyncWriter]: the
// asynchronous *os.File.
//
// A regular file (or a directory, or a block device) cannot be polled for
// readiness, so its reads and writes run on the blocking pool of the loop
// that polls them ([driver.SpawnBlocking]), one operation at a time, through
// a buffer that the File owns: PollRead starts a read into that buffer and
// answers pending, and a later PollRead copies the bytes out, so the
// caller's slice is never written after a pending answer; PollWrite copies
// the caller's bytes into the buffer, starts the write and answers ready at
// once (the caller's slice is free again), and the write's error, if any,
// is the answer of the next PollWrite, PollFlush or Sync. So flush (or
// [aio.Shutdown]) a File before closing it, as with a bufio.Writer.
//
// A pipe, a socket, a terminal or another character device that can be
// polled goes through the loop's reactor instead, as a socket does; see
// [FromOS] for how the descriptor's mode is kept.
//
// A File is used by one task at a time. Close it when done: a File polled
// by a loop is closed by that loop's Close at the latest.
type File struct {
	name   string
	polled bool
	closed atomic.Bool

	// Regular files: the blocking pool.
	f        *os.File
	reg      *netpoll.Registration // the loop's tracking slot: its Close closes f
	buf      []byte                // the File's buffer; nil while an operation holds it
	pos, end int                   // unread bytes of the last read: buf[pos:end]
	readErr  error                 // the error (or io.EOF) of the last read, once its bytes are out
	writeErr error                 // the error of a write that already answered ready
	inflight future.Future[*op]    // the operation on the pool, or nil
	cur      *op

	// Pollable descriptors: the reactor.
	pfd      netpoll.OwnedFD
	blocking bool // the descriptor is in blocking mode: check readiness with poll(2) first
}

// op is one operation of a File on the blocking pool.
type op struct {
	kind opKind
	buf  []byte
	n    int
	back int64 // bytes read ahead to seek back over before a write
	err  error
	run  func(f *os.File, o *op)
	off  int64
	info os.FileInfo
}

type opKind uint8

const (
	opRead opKind = iota
	opWrite
	opOther
)

// newPooled wraps an *os.File whose I/O goes through the blocking pool.
func newPooled(f *os.File) *File { return &File{name: f.Name(), f: f} }

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

func (f *File) pathErr(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	var pe *iofs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return &iofs.PathError{Op: op, Path: f.name, Err: err}
}

// track makes the loop polling cx close the file if it shuts down first.
func (f *File) track(cx *future.Context) {
	if f.reg != nil {
		return
	}
	if r, err := netpoll.RegistryOf(cx); err == nil {
		f.reg = r.TrackCloser(f)
		if f.closed.Load() {
			f.reg.Close()
		}
	}
}

// start hands o to the blocking pool as the file's one operation in flight
// and polls it once (which queues it).
func (f *File) start(cx *future.Context, o *op) future.Poll[struct{}] {
	file := f.f
	f.cur = o
	f.inflight = driver.SpawnBlocking(func() (*op, error) {
		o.run(file, o)
		return o, nil
	})
	return f.settle(cx)
}

// settle waits for the operation in flight, if any, and applies its
// outcome: a read's bytes become the unread buffer, a write's error is kept
// for the next write or flush.
func (f *File) settle(cx *future.Context) future.Poll[struct{}] {
	if f.inflight == nil {
		return future.Ok(struct{}{})
	}
	p := f.inflight.Poll(cx)
	if p.IsPending() {
		return future.Pending[struct{}]()
	}
	o := f.cur
	f.inflight, f.cur = nil, nil
	if err := p.Err(); err != nil { // the pool failed it: closed loop, no driver
		o.err = err
		o.n = 0
	}
	switch o.kind {
	case opRead:
		f.buf, f.pos, f.end = o.buf[:cap(o.buf)], 0, o.n
		f.readErr = o.err
	case opWrite:
		f.buf = o.buf[:cap(o.buf)]
		if o.err != nil && f.writeErr == nil {
			f.writeErr = o.err
		}
	}
	return future.Ok(struct{}{})
}

// take returns the file's buffer with room for n bytes; the caller hands it
// to an operation.
func (f *File) take(n int) []byte {
	b := f.buf
	if cap(b) < n {
		b = make([]byte, n)
	}
	f.buf, f.pos, f.end = nil, 0, 0
	return b[:n]
}

func (f *File) closedErr(op string) error {
	return &iofs.PathError{Op: op, Path: f.name, Err: os.ErrClosed}
}

// maxRounds bounds the loops of PollRead and PollWrite: an operation in
// flight, then one of theirs.
const maxRounds = 4

// PollRead reads up to len(p) bytes into p; see aio.AsyncReader. The end of
// the file is 0 and io.EOF. Errors are *fs.PathError.
func (f *File) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	if f.closed.Load() {
		return future.Fail[int](f.closedErr("read"))
	}
	if f.polled {
		return f.pollReadFD(cx, p)
	}
	f.track(cx)
	for range maxRounds {
		if f.pos < f.end {
			n := copy(p, f.buf[f.pos:f.end])
			f.pos += n
			return future.Ok(n)
		}
		if f.readErr != nil {
			err := f.readErr
			f.readErr = nil
			return future.Fail[int](f.pathErr("read", err))
		}
		if f.inflight != nil {
			if f.settle(cx).IsPending() {
				return future.Pending[int]()
			}
			continue
		}
		if len(p) == 0 {
			return future.Ok(0)
		}
		o := &op{kind: opRead, buf: f.take(min(len(p), MaxBuffer)), run: runRead}
		if f.start(cx, o).IsPending() {
			return future.Pending[int]()
		}
	}
	cx.Waker().Wake() // more rounds than expected: let the loop breathe, poll again
	return future.Pending[int]()
}

func runRead(file *os.File, o *op) {
	n, err := file.Read(o.buf)
	if n == 0 && err == nil {
		err = io.EOF
	}
	o.n, o.err = n, err
}

func runWrite(file *os.File, o *op) {
	if o.back != 0 {
		if _, err := file.Seek(-o.back, io.SeekCurrent); err != nil {
			o.err = err
			return
		}
	}
	o.n, o.err = file.Write(o.buf)
}

// PollWrite writes p, or its first MaxBuffer bytes; see aio.AsyncWriter.
// On the blocking pool the bytes are copied into the File's buffer and the
// answer is ready at once, while the write runs; its error is the answer
// of the next PollWrite or PollFlush.
func (f *File) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	if f.closed.Load() {
		return future.Fail[int](f.closedErr("write"))
	}
	if f.polled {
		return f.pollWriteFD(cx, p)
	}
	f.track(cx)
	if f.settle(cx).IsPending() {
		return future.Pending[int]()
	}
	if err := f.writeErr; err != nil {
		f.writeErr = nil
		return future.Fail[int](f.pathErr("write", err))
	}
	if len(p) == 0 {
		return future.Ok(0)
	}
	// Bytes read ahead but not handed out: the write goes where the
	// caller's reads stopped.
	back := int64(f.end - f.pos)
	f.readErr = nil
	n := min(len(p), MaxBuffer)
	b := f.take(n)
	copy(b, p[:n])
	f.start(cx, &op{kind: opWrite, buf: b, back: back, run: runWrite})
	return future.Ok(n)
}

// PollFlush waits for the write in flight and answers its error; see
// aio.AsyncWriter. It does not sync the file to its device: see Sync.
func (f *File) PollFlush(cx *future.Context) future.Poll[struct{}] {
	if f.closed.Load() {
		return future.Fail[struct{}](f.closedErr("flush"))
	}
	if f.polled {
		return future.Ok(struct{}{})
	}
	if f.settle(cx).IsPending() {
		return future.Pending[struct{}]()
	}
	if err := f.writeErr; err != nil {
		f.writeErr = nil
		return future.Fail[struct{}](f.pathErr("write", err))
	}
	return future.Ok(struct{}{})
}

// PollShutdown is PollFlush: a file has no write side to shut.
func (f *File) PollShutdown(cx *future.Context) future.Poll[struct{}] {
	return f.PollFlush(cx)
}

// Close closes the file at once; it does not wait for a write in flight
// (which completes, the descriptor being closed after it): flush first to
// see its error. A second Close answers an error wrapping os.ErrClosed.
func (f *File) Close() error {
	if !f.closed.CompareAndSwap(false, true) {
		return f.closedErr("close")
	}
	if f.polled {
		if err := f.pfd.Close(); err != nil {
			return f.closedErr("close")
		}
		return nil
	}
	if f.reg != nil {
		f.reg.Close()
	}
	return f.f.Close()
}

// opFuture is one File method's operation, queued behind the one in
// flight.
type opFuture[T any] struct {
	f       *File
	name    string
	run     func(*os.File, *op)
	fd      func(sysfd int) (T, error) // the same on a pollable descriptor
	prepare func(o *op)
	result  func(o *op) T
	o       *op
	done    bool
}

func (o *opFuture[T]) Poll(cx *future.Context) future.Poll[T] {
	if o.done {
		return future.Fail[T](future.ErrPolledAfterCompletion)
	}
	f := o.f
	if f.closed.Load() {
		return o.finish(future.Fail[T](f.closedErr(o.name)))
	}
	if f.polled {
		if err := f.pfd.Incref(); err != nil {
			return o.finish(future.Fail[T](f.closedErr(o.name)))
		}
		v, err := o.fd(f.pfd.Sysfd())
		f.pfd.Decref()
		var pe *iofs.PathError
		if err != nil && !errors.As(err, &pe) {
			err = f.pathErr(o.name, os.NewSyscallError(o.name, err))
		}
		return o.finish(future.Result(v, err))
	}
	f.track(cx)
	if o.o == nil {
		if f.settle(cx).IsPending() {
			return future.Pending[T]()
		}
		o.o = &op{kind: opOther, run: o.run}
		if o.prepare != nil {
			o.prepare(o.o)
		}
		if f.start(cx, o.o).IsPending() {
			return future.Pending[T]()
		}
	} else if f.cur == o.o && f.settle(cx).IsPending() {
		return future.Pending[T]()
	}
	var v T
	if o.o.err == nil && o.result != nil {
		v = o.result(o.o)
	}
	return o.finish(future.Result(v, f.pathErr(o.name, o.o.err)))
}

func (o *opFuture[T]) finish(p future.Poll[T]) future.Poll[T] {
	o.done, o.o = true, nil
	return p
}

// SeekTo sets the offset of the next read or write, as (*os.File).Seek
// does (go vet keeps the name Seek for io.Seeker's signature),
// once the operation in flight is done, and is ready with the new offset.
// Bytes read ahead into the File's buffer are dropped, and an io.SeekCurrent
// offset counts from where the caller's reads stopped. A pipe or terminal
// answers an error wrapping ESPIPE.
func (f *File) SeekTo(offset int64, whence int) future.Future[int64] {
	return &opFuture[int64]{f: f, name: "seek",
		prepare: func(o *op) {
			if whence == io.SeekCurrent {
				o.back = int64(f.end - f.pos)
			}
			f.pos, f.end, f.readErr = 0, 0, nil
		},
		run: func(file *os.File, o *op) {
			o.off, o.err = file.Seek(offset-o.back, whence)
		},
		result: func(o *op) int64 { return o.off },
		fd: func(sysfd int) (int64, error) {
			return unix.Seek(sysfd, offset, whence)
		}}
}

// Sync commits the file's contents to stable storage, as (*os.File).Sync,
// once the write in flight is done; a write that failed makes Sync fail.
func (f *File) Sync() future.Future[struct{}] {
	return &opFuture[struct{}]{f: f, name: "sync",
		prepare: func(o *op) {
			o.err, f.writeErr = f.writeErr, nil
		},
		run: func(file *os.File, o *op) {
			if o.err == nil {
				o.err = file.Sync()
			}
		},
		fd: func(sysfd int) (struct{}, error) { return struct{}{}, unix.Fsync(sysfd) }}
}

// Stat returns the file's metadata, as (*os.File).Stat, once the
// operation in flight is done.
func (f *File) Stat() future.Future[os.FileInfo] {
	return &opFuture[os.FileInfo]{f: f, name: "stat",
		run: func(file *os.File, o *op) {
			o.info, o.err = file.Stat()
		},
		result: func(o *op) os.FileInfo { return o.info },
		fd:     func(sysfd int) (os.FileInfo, error) { return statFD(sysfd, f.name) }}
}

// Truncate changes the size of the file, as (*os.File).Truncate (Tokio's
// set_len), once the operation in flight is done. The offset is unchanged.
func (f *File) Truncate(size int64) future.Future[struct{}] {
	return &opFuture[struct{}]{f: f, name: "truncate",
		run: func(file *os.File, o *op) {
			o.err = file.Truncate(size)
		},
		fd: func(sysfd int) (struct{}, error) { return struct{}{}, unix.Ftruncate(sysfd, size) }}
}
