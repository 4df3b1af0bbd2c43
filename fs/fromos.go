package fs

import (
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
)

// FromOS returns a File for the descriptor of f, which it duplicates: the
// File and f are independent, and each must be closed. It is how a program
// drives a file, a pipe or a socket it got from elsewhere (os.Pipe, an
// inherited descriptor, os.NewFile), and how [Stdin], [Stdout] and [Stderr]
// are made.
//
// The kind of descriptor chooses the path of its I/O:
//
//   - a regular file, a directory, a block device, or anything the reactor
//     cannot watch (/dev/null) goes through the blocking pool (see [File]);
//   - a pipe, a socket, a terminal or a character device the reactor can
//     watch goes through the reactor. If the descriptor is non-blocking
//     (os.Pipe makes such pipes), reads and writes run until EAGAIN, as a
//     socket's do. If it is blocking, FromOS leaves it so: O_NONBLOCK
//     belongs to the open file, which a terminal or a pipe inherited from a
//     shell shares with other processes, and setting it would break them.
//     Each read then asks poll(2), with no wait, whether the descriptor is
//     readable before the read, and each write whether it is writable
//     before writing at most PIPE_BUF bytes (which a writable pipe takes
//     without blocking). A process that reads the same descriptor between
//     the two calls can still make the read block: do not share one with a
//     reader that runs at the same time.
//
// Errors are *fs.PathError naming f.
func FromOS(f *os.File) (*File, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, &os.PathError{Op: "dup", Path: f.Name(), Err: err}
	}
	var nfd int
	var derr error
	if err := rc.Control(func(fd uintptr) {
		nfd, derr = unix.FcntlInt(fd, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil {
		return nil, &os.PathError{Op: "dup", Path: f.Name(), Err: err}
	}
	if derr != nil {
		return nil, &os.PathError{Op: "dup", Path: f.Name(), Err: os.NewSyscallError("fcntl", derr)}
	}
	return fromFD(nfd, f.Name())
}

// fromFD wraps fd, which the File then owns.
func fromFD(fd int, name string) (*File, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "stat", Path: name, Err: os.NewSyscallError("fstat", err)}
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFIFO, unix.S_IFSOCK, unix.S_IFCHR:
		if pollable(fd) {
			flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
			if err != nil {
				unix.Close(fd)
				return nil, &os.PathError{Op: "fcntl", Path: name, Err: os.NewSyscallError("fcntl", err)}
			}
			f := &File{name: name, polled: true, blocking: flags&unix.O_NONBLOCK == 0}
			f.pfd.Init(fd, f)
			return f, nil
		}
	}
	return newPooled(os.NewFile(uintptr(fd), name)), nil
}

// fromOpened wraps a file os.OpenFile just opened: a regular file keeps its
// *os.File; anything the reactor can watch (a FIFO, a terminal) moves to a
// descriptor of its own.
func fromOpened(f *os.File) (*File, error) {
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if info.Mode()&(os.ModeNamedPipe|os.ModeSocket|os.ModeCharDevice) == 0 {
		return newPooled(f), nil
	}
	defer f.Close()
	return FromOS(f)
}

// Polled I/O: the reactor.

func (f *File) wrapFD(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return &os.PathError{Op: op, Path: f.name, Err: err}
}

// wrapPoll wraps the error of a ready answer; pending stays pending.
func (f *File) wrapPoll(op string, r future.Poll[int]) future.Poll[int] {
	if r.IsPending() || r.Err() == nil || r.Err() == io.EOF {
		return r
	}
	return future.Result(r.Value(), f.wrapFD(op, r.Err()))
}

func (f *File) pollReadFD(cx *future.Context, p []byte) future.Poll[int] {
	if !f.blocking {
		return f.wrapPoll("read", f.pfd.PollRead(cx, p))
	}
	if len(p) == 0 {
		return future.Ok(0)
	}
	r := netpoll.PollIO(&f.pfd.FD, cx, netpoll.Read, "read", func(fd int) (int, error) {
		if err := ready(fd, unix.POLLIN); err != nil {
			return 0, err
		}
		n, err := unix.Read(fd, p)
		if n < 0 {
			n = 0
		}
		return n, err
	})
	if r.IsReady() && r.Err() == nil && r.Value() == 0 {
		return future.Fail[int](io.EOF)
	}
	return f.wrapPoll("read", r)
}

func (f *File) pollWriteFD(cx *future.Context, p []byte) future.Poll[int] {
	if len(p) == 0 {
		return future.Ok(0)
	}
	if !f.blocking {
		return f.wrapPoll("write", f.pfd.PollWrite(cx, p))
	}
	r := netpoll.PollIO(&f.pfd.FD, cx, netpoll.Write, "write", func(fd int) (int, error) {
		if err := ready(fd, unix.POLLOUT); err != nil {
			return 0, err
		}
		n, err := unix.Write(fd, p[:min(len(p), pipeBuf)])
		if n < 0 {
			n = 0
		}
		return n, err
	})
	return f.wrapPoll("write", r)
}

// ready asks poll(2), without waiting, whether fd is ready for events:
// EAGAIN if not, so that the readiness protocol parks the task until the
// reactor's next edge. Hang-ups and errors count as ready: the call that
// follows reports them.
func ready(fd int, events int16) error {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: events}}
	n, err := unix.Poll(pfd, 0)
	switch {
	case err != nil:
		return err // EINTR is retried by PollIO
	case n == 0 || pfd[0].Revents == 0:
		return unix.EAGAIN
	}
	return nil
}

// statFD is Stat of a descriptor the reactor drives.
func statFD(fd int, name string) (os.FileInfo, error) {
	d, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("fcntl", err)
	}
	of := os.NewFile(uintptr(d), name)
	defer of.Close()
	return of.Stat()
}

// Stdin returns a File reading the process's standard input, through the
// reactor or the blocking pool as [FromOS] chooses; it duplicates
// descriptor 0, so closing the File leaves the standard input open.
func Stdin() (*File, error) { return FromOS(os.Stdin) }

// Stdout returns a File writing the process's standard output; see
// [Stdin].
func Stdout() (*File, error) { return FromOS(os.Stdout) }

// Stderr returns a File writing the process's standard error; see
// [Stdin].
func Stderr() (*File, error) { return FromOS(os.Stderr) }
