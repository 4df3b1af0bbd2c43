package netpoll

import (
	"io"
	"os"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
)

// FD is a non-blocking file descriptor driven by the reactor: the shared
// machinery of every socket type. It registers itself with the loop that
// first polls it, keeps the readiness protocol of [Registration], and makes
// Close safe from any goroutine: the descriptor is closed exactly once, and
// never while a system call on it is in flight.
//
// Errors from the Poll methods are raw: an *os.SyscallError wrapping the
// errno, [ErrClosed], [future.ErrNoDriver], [ErrWrongLoop] or io.EOF. The
// socket types wrap them in *net.OpError with the addresses.
//
// An FD is 24 bytes, inside every stream: if its loop shuts down with it
// still open, the loop closes the FD itself. A resource whose Close does
// more than close the descriptor (a listener, a datagram socket, a file)
// uses an [OwnedFD], which names the owner the loop closes instead.
type FD struct {
	sysfd int32
	owned bool // fd is the FD of an OwnedFD

	// Aux is room the FD's padding leaves for the value that embeds it,
	// which the FD never reads or writes: a stream keeps its peer's port
	// and its kind there, and stays in a smaller size class.
	Aux [3]byte

	reg atomic.Pointer[Registration]

	// state counts system calls in flight (low bits) and holds the closed
	// flag (top bit) and the fd* flags below it. The last decref after
	// Close closes sysfd.
	state atomic.Uint64
}

// OwnedFD is an FD with an owner: what the loop closes, in place of the
// descriptor alone, if it shuts down with the fd registered (normally the
// value that embeds the OwnedFD).
type OwnedFD struct {
	FD    // first: the registration finds the owner from the FD
	owner Closer
}

const (
	fdClosed = 1 << 63
	// fdSole: eddy holds the only reference to the open file: closing
	// the descriptor removes it from the poller, so Close makes no
	// EPOLL_CTL_DEL (see SetSole).
	fdSole = 1 << 62
	// fdLingers: SO_LINGER is set, so close may block (see SetLingers).
	fdLingers = 1 << 61
	// fdLevel: the poller reports the fd's read side level-triggered
	// (see SetLevel).
	fdLevel = 1 << 60
	// fdTCP: a connected TCP socket, whose reads may ask the kernel what
	// is left in its receive queue (see SetTCP).
	fdTCP = 1 << 59
	// fdInq: TCP_INQ is on, so a recvmsg answers with what is left.
	fdInq = 1 << 58
	// fdFilled: the last read filled its buffer.
	fdFilled = 1 << 57
	fdFlags  = fdSole | fdLingers | fdLevel | fdTCP | fdInq | fdFilled
)

// SetSole records that the descriptor is eddy's alone: no duplicate of it
// exists (in this process or a child) and none will be made without
// SetShared first. Closing such a descriptor is what removes it from the
// poller (epoll and kqueue drop an entry when the last reference to the
// open file goes), so Close skips the system call that would deregister
// it. Until the descriptor is closed, an event the poller still reports
// carries the freed slot's old token, which the registry drops as stale.
// Accepted streams are made sole.
func (fd *FD) SetSole() { fd.state.Or(fdSole) }

// SetShared undoes SetSole: whatever duplicates or exports the descriptor
// (a *net.TCPConn made from it) calls it first, holding a reference
// (Incref), so that Close deregisters the descriptor explicitly, as it must
// while another reference keeps the open file, and its poller entry,
// alive. It is the default. It also turns TCP_INQ off if SetTCP's reads
// had turned it on: whoever else holds the socket does not expect its
// control message.
func (fd *FD) SetShared() {
	if fd.state.And(^uint64(fdSole|fdTCP|fdInq))&fdInq != 0 {
		unix.SetsockoptInt(int(fd.sysfd), unix.IPPROTO_TCP, tcpInq, 0)
	}
}

// SetTCP records that the descriptor is a connected TCP socket, before
// its first read. While it is also sole (SetSole), a read that fills its
// buffer turns TCP_INQ on (Linux), and from then on, while reads keep
// filling their buffers, each is a recvmsg that also answers how many
// bytes it left in the receive queue: when none, the read side is marked
// not ready at once, as after a short read, instead of paying a second
// read that would only find EAGAIN. Reads that come up short stay plain
// reads. Elsewhere SetTCP does nothing.
func (fd *FD) SetTCP() {
	if tcpInq != 0 {
		fd.state.Or(fdTCP)
	}
}

// SetLingers records whether SO_LINGER is set with a timeout, which makes
// close(2) wait for unsent data: the descriptor is then closed with a
// blocking system call, which tells the scheduler, instead of a raw one.
func (fd *FD) SetLingers(on bool) {
	if on {
		fd.state.Or(fdLingers)
	} else {
		fd.state.And(^uint64(fdLingers))
	}
}

// Lingers reports whether SetLingers(true) is in effect.
func (fd *FD) Lingers() bool { return fd.state.Load()&fdLingers != 0 }

// SetLevel asks that the poller report the descriptor's read side
// level-triggered, and only that side: for a listening socket, before its
// first poll. An accept that succeeds then clears the readiness it used,
// and the poller's next wait reports the listener again only if another
// connection is waiting, so the loop never pays the accept that finds the
// queue empty (not a cheap failure: the kernel builds the new socket's
// file before it looks at the queue, and frees it). A
// listener nobody accepts from is reported at most twice: the second
// report finds the readiness still unused and takes the descriptor out of
// the poller until its next accept (see [Registration] on muting).
//
// Where the poller offers only edge-triggered registrations (kqueue here),
// SetLevel does nothing and the listener drains its queue to EAGAIN.
func (fd *FD) SetLevel() {
	if levelTriggered {
		fd.state.Or(fdLevel)
	}
}

// level reports whether SetLevel is in effect.
func (fd *FD) level() bool { return fd.state.Load()&fdLevel != 0 }

// Sole reports whether SetSole is in effect.
func (fd *FD) Sole() bool { return fd.state.Load()&fdSole != 0 }

// NewFD wraps sysfd, which must already be non-blocking and close-on-exec.
// owner is what the loop closes if it shuts down with the fd registered
// (normally the value that holds the FD): with one, the FD is that of a new
// [OwnedFD]; nil means the FD itself.
func NewFD(sysfd int, owner Closer) *FD {
	if owner != nil {
		o := &OwnedFD{}
		o.Init(sysfd, owner)
		return &o.FD
	}
	fd := &FD{}
	fd.Init(sysfd)
	return fd
}

// Init makes the zero FD that fd points to wrap sysfd, as [NewFD] does
// with no owner, so that a socket can embed its FD by value (one
// allocation per socket, not two). An FD must not be copied once
// initialised.
func (fd *FD) Init(sysfd int) { fd.sysfd = int32(sysfd) }

// Init makes the zero OwnedFD that o points to wrap sysfd, with owner
// closed by the loop at shutdown (nil: the FD itself). An OwnedFD must not
// be copied once initialised.
func (o *OwnedFD) Init(sysfd int, owner Closer) {
	o.FD.Init(sysfd)
	o.owned, o.owner = true, owner
	if owner == nil {
		o.owner = &o.FD
	}
}

// closer is what the loop closes at shutdown for fd: the owner of the
// OwnedFD fd belongs to, or fd itself.
func (fd *FD) closer() Closer {
	if fd.owned {
		// fd is the first field of an OwnedFD (owned is set only by
		// OwnedFD.Init), so the two share an address.
		return (*OwnedFD)(unsafe.Pointer(fd)).owner
	}
	return fd
}

// Sysfd returns the descriptor number, for socket options and addresses.
func (fd *FD) Sysfd() int { return int(fd.sysfd) }

// Incref marks a system call in flight; it fails with [ErrClosed] after
// Close. Every successful Incref is paired with Decref.
func (fd *FD) Incref() error {
	for {
		s := fd.state.Load()
		if s&fdClosed != 0 {
			return ErrClosed
		}
		if fd.state.CompareAndSwap(s, s+1) {
			return nil
		}
	}
}

// Decref ends a system call; the last one after Close closes the descriptor.
func (fd *FD) Decref() {
	if s := fd.state.Add(^uint64(0)); s&^fdFlags == fdClosed {
		closeSysfd(int(fd.sysfd), s&fdLingers != 0)
	}
}

// Close deregisters the fd, wakes every task parked on it with [ErrClosed],
// and closes the descriptor once no system call is using it. Closing twice
// answers [ErrClosed].
func (fd *FD) Close() error {
	for {
		s := fd.state.Load()
		if s&fdClosed != 0 {
			return ErrClosed
		}
		// Set the flag and take a reference of our own, so that exactly
		// one Decref (ours or that of a call in flight) sees the count
		// reach zero and closes the descriptor.
		if fd.state.CompareAndSwap(s, (s|fdClosed)+1) {
			break
		}
	}
	if reg := fd.reg.Load(); reg != nil {
		reg.Close()
	}
	fd.Decref()
	return nil
}

// Closed reports whether Close has been called.
func (fd *FD) Closed() bool { return fd.state.Load()&fdClosed != 0 }

// Track makes the loop polling cx answer for the fd before any task polls
// it: if that loop shuts down with the fd still open, it closes the fd's
// owner. Accepted and connected sockets are tracked as they are made, so
// a socket whose task is cancelled before its first poll does not outlive
// the loop. Track does nothing outside a loop, or once the fd is tracked or
// registered. A tracked fd is added to the poller by its first poll; if that
// poll comes from another loop, the fd moves there (contract 6 binds an fd
// to the loop that first polls it, and tracking is not polling).
func (fd *FD) Track(cx *future.Context) {
	if r, err := RegistryOf(cx); err == nil && fd.reg.Load() == nil {
		fd.trackIn(r)
	}
}

// trackIn gives fd, which has no registration, a tracked one with r, unless
// another goroutine stored one first. It answers ErrClosed for a closed fd,
// checked again after the store, so that a Close racing it (which looks for
// the registration after setting its flag) is never missed.
func (fd *FD) trackIn(r *Registry) error {
	if fd.Closed() {
		return ErrClosed
	}
	reg := r.Track(fd)
	if !fd.reg.CompareAndSwap(nil, reg) {
		r.release(reg)
		return nil
	}
	if fd.Closed() { // Close ran between the check and the store
		reg.Close()
		return ErrClosed
	}
	return nil
}

// registration returns the fd's registration with the loop polling cx,
// registering it on first use.
func (fd *FD) registration(cx *future.Context) (*Registration, error) {
	r, err := RegistryOf(cx)
	if err != nil {
		return nil, err
	}
	for {
		reg := fd.reg.Load()
		switch {
		case reg == nil:
			if err := fd.trackIn(r); err != nil {
				return nil, err
			}
			continue // then arm it below
		case reg.registry != r:
			if reg.armed() {
				return nil, ErrWrongLoop
			}
			switch reg.disown() {
			case wasArmed:
				return nil, ErrWrongLoop
			case wasClosed:
				return nil, ErrClosed
			}
			fd.reg.CompareAndSwap(reg, nil)
			continue
		}
		if !reg.armed() {
			// The poller is handed the descriptor number under a reference,
			// so a concurrent Close cannot close (and the kernel reuse) it
			// first: the answer is then ErrClosed, never EBADF.
			if err := fd.Incref(); err != nil {
				return nil, err
			}
			err := reg.arm()
			fd.Decref()
			if err != nil {
				return nil, err
			}
		}
		return reg, nil
	}
}

// PollReady answers ready when a system call in direction d may make
// progress; pending (waker parked) while the fd is known not ready.
func (fd *FD) PollReady(cx *future.Context, d Direction) future.Poll[struct{}] {
	reg, err := fd.registration(cx)
	if err != nil {
		return future.Fail[struct{}](err)
	}
	return reg.PollReady(cx, d)
}

// ClearReady records that direction d is not ready after all (a system
// call other than PollIO's found EAGAIN, or a spurious event), parking cx's
// waker for the next edge.
func (fd *FD) ClearReady(cx *future.Context, d Direction) {
	if reg, err := fd.registration(cx); err == nil {
		reg.ClearReady(cx, d)
	}
}

// PollIO runs op, a non-blocking system call in direction d, under the
// readiness protocol: no call while the side is known not ready, EINTR
// retried, EAGAIN turned into pending with the waker parked. op reports the
// raw errno; PollIO wraps it with name as an *os.SyscallError.
func PollIO[T any](fd *FD, cx *future.Context, d Direction, name string, op func(sysfd int) (T, error)) future.Poll[T] {
	p, _ := pollIO(fd, cx, d, name, op)
	return p
}

// pollIO is PollIO that also returns the side's tick when the call was
// made (see tick.go), for PollRead's short-read rule.
func pollIO[T any](fd *FD, cx *future.Context, d Direction, name string, op func(sysfd int) (T, error)) (future.Poll[T], uint32) {
	reg, err := fd.registration(cx)
	if err != nil {
		return future.Fail[T](err), 0
	}
	p, tick := reg.pollReadyTick(cx, d)
	if !p.IsReady() || p.Err() != nil {
		if p.IsPending() {
			return future.Pending[T](), 0
		}
		return future.Fail[T](p.Err()), 0
	}
	if err := fd.Incref(); err != nil {
		return future.Fail[T](err), 0
	}
	defer fd.Decref()
	for {
		v, err := op(int(fd.sysfd))
		switch err {
		case nil:
			if d == Read && fd.level() {
				// The poller reports the side again if it is still
				// ready: no second call to find out.
				reg.consumeAt(tick)
			}
			return future.Ok(v), tick
		case unix.EINTR:
			continue
		case unix.EAGAIN:
			// An event dispatched by the loop since the side was seen
			// ready (possible only when the caller is not the loop's
			// goroutine) means it may be ready again: try once more.
			var cleared bool
			if cleared, tick = reg.clearReadyAt(cx, d, tick); cleared {
				return future.Pending[T](), 0
			}
			continue
		}
		return future.Fail[T](os.NewSyscallError(name, err)), 0
	}
}

// PollRead reads into p: ready with n > 0, ready with 0 and io.EOF at the
// end of input, pending while there is nothing to read.
//
// It is meant for stream sockets and pipes: a read that returns less than
// len(p) found the kernel's queue empty, so the read side is marked not
// ready at once (clearReadDrainedAt) instead of paying a second
// read that would only answer EAGAIN; so does a full read that the kernel
// said left nothing behind (see SetTCP). The read is a raw system call:
// the descriptor is non-blocking, so it never blocks in the kernel and
// needs none of the scheduler's bookkeeping for calls that may.
func (fd *FD) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	if len(p) == 0 {
		return future.Ok(0)
	}
	r, tick := pollIO(fd, cx, Read, "read", func(s int) (readResult, error) { return fd.read(s, p) })
	if r.IsPending() {
		return future.Pending[int]()
	}
	if err := r.Err(); err != nil {
		return future.Fail[int](err)
	}
	switch v := r.Value(); {
	case v.n == 0:
		return future.Fail[int](io.EOF)
	case v.drained:
		fd.reg.Load().clearReadDrainedAt(cx, tick) // pollIO found it registered
		fallthrough
	default:
		return future.Ok(v.n)
	}
}

// readResult is what one read learned: the count, and whether the
// kernel's receive queue was empty after it (a short read, or a full one
// that TCP_INQ said left nothing).
type readResult struct {
	n       int
	drained bool
}

// read is PollRead's system call on s, fd's descriptor: read(2), or a
// recvmsg that answers what is left while TCP_INQ is on and reads fill
// their buffers (see SetTCP). It keeps fdFilled, and turns TCP_INQ on
// after the first full read of a sole TCP socket.
func (fd *FD) read(s int, p []byte) (readResult, error) {
	st := fd.state.Load()
	var (
		n    int
		left = -1 // unknown
		err  error
	)
	if st&(fdInq|fdFilled) == fdInq|fdFilled {
		n, left, err = rawRecvInq(s, p)
	} else {
		n, err = rawRead(s, p)
	}
	if err != nil {
		return readResult{}, err
	}
	if n < len(p) {
		if st&fdFilled != 0 {
			fd.state.And(^uint64(fdFilled))
		}
		return readResult{n: n, drained: true}, nil
	}
	if st&fdFilled == 0 {
		fd.state.Or(fdFilled)
	}
	if st&(fdTCP|fdSole|fdInq) == fdTCP|fdSole {
		fd.enableInq(s)
	}
	return readResult{n: n, drained: left == 0}, nil
}

// enableInq turns TCP_INQ on for s, fd's descriptor; if the kernel
// refuses (older than Linux 4.18), reads stay plain and it is not asked
// again.
func (fd *FD) enableInq(s int) {
	if unix.SetsockoptInt(s, unix.IPPROTO_TCP, tcpInq, 1) != nil {
		fd.state.And(^uint64(fdTCP))
		return
	}
	fd.state.Or(fdInq)
}

// PollWrite writes from p: ready with the count written (maybe fewer than
// len(p)), pending while the send buffer is full.
func (fd *FD) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	if len(p) == 0 {
		return future.Ok(0)
	}
	return PollIO(fd, cx, Write, "write", func(s int) (int, error) {
		n, err := unix.Write(s, p)
		if n < 0 {
			n = 0
		}
		return n, err
	})
}
