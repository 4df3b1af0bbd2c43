//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package netpoll

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// isOpen reports whether the descriptor number fd is open.
func isOpen(fd int) bool {
	_, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil
}

func TestFDCloseWaitsForSyscallInFlight(t *testing.T) {
	checkFDLeaks(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	if err := fd.Incref(); err != nil {
		t.Fatalf("Incref() = %v", err)
	}
	if err := fd.Close(); err != nil {
		t.Fatalf("Close() = %v; want nil", err)
	}
	if !fd.Closed() || !isOpen(a) {
		t.Fatalf("after Close with a call in flight: Closed() = %v, open = %v; want true, true", fd.Closed(), isOpen(a))
	}
	if err := fd.Incref(); !errors.Is(err, ErrClosed) {
		t.Errorf("Incref() after Close = %v; want ErrClosed", err)
	}
	fd.Decref() // the last call ends: now the descriptor is closed
	if isOpen(a) {
		t.Errorf("fd %d still open after the last Decref; want closed", a)
	}
	if err := fd.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close() = %v; want net.ErrClosed", err)
	}
}

func TestFDCloseWithNothingInFlight(t *testing.T) {
	checkFDLeaks(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	if fd.Sysfd() != a {
		t.Errorf("Sysfd() = %d; want %d", fd.Sysfd(), a)
	}
	if err := fd.Close(); err != nil || isOpen(a) {
		t.Errorf("Close() = %v, fd open = %v; want nil, false", err, isOpen(a))
	}
}

// TestFDCloseRacesSyscalls closes an FD (twice, concurrently) while
// goroutines keep making "system calls" on it (Incref, check the
// descriptor, Decref): the descriptor is never closed under a call in
// flight, one Close wins, and the descriptor is closed exactly once: the
// reference count reaches zero once and stays there.
func TestFDCloseRacesSyscalls(t *testing.T) {
	checkFDLeaks(t)
	const iterations, callers = 200, 4
	for i := range iterations {
		a, b := testkit.SocketPair(t)
		fd := NewFD(a, nil)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range callers {
			wg.Go(func() {
				<-start
				for range 1000 {
					if err := fd.Incref(); err != nil {
						if !errors.Is(err, ErrClosed) {
							t.Errorf("Incref() = %v; want nil or ErrClosed", err)
						}
						return
					}
					if !isOpen(fd.Sysfd()) {
						t.Errorf("iteration %d: fd %d closed while a call was in flight", i, fd.Sysfd())
					}
					fd.Decref()
				}
			})
		}
		var closeErrs [2]error
		wg.Go(func() {
			<-start
			closeErrs[0] = fd.Close()
		})
		wg.Go(func() {
			<-start
			closeErrs[1] = fd.Close()
		})
		close(start)
		wg.Wait()
		if (closeErrs[0] == nil) == (closeErrs[1] == nil) {
			t.Fatalf("iteration %d: concurrent Close() = %v, %v; want exactly one nil and one ErrClosed", i, closeErrs[0], closeErrs[1])
		}
		if isOpen(a) {
			t.Fatalf("iteration %d: fd %d open after Close and every Decref; want closed", i, a)
		}
		if s := fd.state.Load(); s != fdClosed {
			t.Fatalf("iteration %d: state = %#x; want %#x (closed, no reference left: one close)", i, s, uint64(fdClosed))
		}
		if !isOpen(b) {
			t.Fatalf("iteration %d: the peer fd %d was closed; want only %d closed (closed twice?)", i, b, a)
		}
		unix.Close(b)
		if t.Failed() {
			return
		}
	}
}

func TestFDRegistersOnFirstPoll(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, _ := socketPair(t)
	fd := NewFD(a, &closer{})
	if r.Len() != 0 {
		t.Fatalf("Len() before any poll = %d; want 0 (NewFD registers nothing)", r.Len())
	}
	cx, _ := hostCx(r)
	if p := fd.PollReady(cx, Write); testkit.Describe(p) != "ok {}" {
		t.Errorf("PollReady(Write) = %s; want ok {}", testkit.Describe(p))
	}
	if r.Len() != 1 {
		t.Errorf("Len() after the first poll = %d; want 1", r.Len())
	}
	fd.PollReady(cx, Read)
	if r.Len() != 1 {
		t.Errorf("Len() after a second poll = %d; want 1 (registered once)", r.Len())
	}

	other := newRegistry(t)
	ocx, _ := hostCx(other)
	if p := fd.PollReady(ocx, Read); !errors.Is(p.Err(), ErrWrongLoop) {
		t.Errorf("PollReady from another loop = %s; want ErrWrongLoop", testkit.Describe(p))
	}
	if p := fd.PollReady(future.NewContext(nil, nil), Read); !errors.Is(p.Err(), future.ErrNoDriver) {
		t.Errorf("PollReady outside a driver = %s; want future.ErrNoDriver", testkit.Describe(p))
	}
	// a is closed by socketPair's cleanup; the registration goes with the registry's poller.
	fd.reg.Load().Close()
}

func TestFDPollOnClosedFD(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	fd.Close()
	cx, _ := hostCx(r)
	if p := fd.PollRead(cx, make([]byte, 4)); !errors.Is(p.Err(), net.ErrClosed) {
		t.Errorf("PollRead on a closed FD = %v; want net.ErrClosed", p.Err())
	}
	if r.Len() != 0 {
		t.Errorf("Len() = %d; want 0 (a closed FD is not registered)", r.Len())
	}
}

func TestFDCloseWakesBothSides(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	rcx, rw := hostCx(r)
	wcx, ww := hostCx(r)
	if p := fd.PollRead(rcx, make([]byte, 4)); !p.IsPending() {
		t.Fatalf("PollRead with nothing to read = %v; want pending", p.Err())
	}
	fd.ClearReady(wcx, Write)
	if p := fd.PollReady(wcx, Write); !p.IsPending() {
		t.Fatalf("PollReady(Write) after ClearReady = %s; want pending", testkit.Describe(p))
	}
	if err := fd.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if rw.Count() != 1 || ww.Count() != 1 {
		t.Errorf("Close woke reader %d, writer %d times; want 1 and 1", rw.Count(), ww.Count())
	}
	if p := fd.PollRead(rcx, make([]byte, 4)); !errors.Is(p.Err(), net.ErrClosed) {
		t.Errorf("PollRead after Close = %v; want net.ErrClosed", p.Err())
	}
	if p := fd.PollWrite(wcx, []byte("x")); !errors.Is(p.Err(), net.ErrClosed) {
		t.Errorf("PollWrite after Close = %v; want net.ErrClosed", p.Err())
	}
	if r.Len() != 0 {
		t.Errorf("Len() after Close = %d; want 0 (deregistered)", r.Len())
	}
	if isOpen(a) {
		t.Errorf("fd %d open after Close; want closed", a)
	}
}

// TestPollIOMakesNoCallWhenNotReady: once a call found EAGAIN, polling again
// makes no system call until an event says the side may be ready
// (DESIGN.md, contract 4).
func TestPollIOMakesNoCallWhenNotReady(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, _ := socketPair(t)
	fd := NewFD(a, &closer{})
	defer func() { fd.reg.Load().Close() }()
	cx, w := hostCx(r)
	markReadable(t, r, fd, cx)
	calls := 0
	results := []error{unix.EAGAIN, unix.EINTR, nil}
	op := func(int) (int, error) {
		err := results[calls]
		calls++
		return calls, err
	}
	if p := PollIO(fd, cx, Read, "read", op); !p.IsPending() || calls != 1 {
		t.Fatalf("PollIO with EAGAIN = ready %v after %d calls; want pending after 1", p.IsReady(), calls)
	}
	for range 3 {
		if p := PollIO(fd, cx, Read, "read", op); !p.IsPending() {
			t.Fatalf("PollIO while not ready = ready; want pending")
		}
	}
	if calls != 1 {
		t.Errorf("PollIO made %d calls while the side was known not ready; want 1 in all", calls)
	}
	woken := w.Count()
	r.Dispatch([]Event{{Token: fd.reg.Load().Token(), Readable: true}})
	if w.Count() != woken+1 {
		t.Errorf("readable event woke %d times; want 1", w.Count()-woken)
	}
	// EINTR is retried within the same poll.
	if p := PollIO(fd, cx, Read, "read", op); p.Value() != 3 || p.Err() != nil {
		t.Errorf("PollIO after the event = %d, %v; want 3, nil (EINTR retried)", p.Value(), p.Err())
	}
}

func TestPollIOWrapsErrno(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, _ := socketPair(t)
	fd := NewFD(a, &closer{})
	defer func() { fd.reg.Load().Close() }()
	cx, _ := hostCx(r)
	p := PollIO(fd, cx, Write, "write", func(int) (int, error) { return 0, unix.ECONNRESET })
	var se *os.SyscallError
	if !errors.As(p.Err(), &se) || se.Syscall != "write" || !errors.Is(p.Err(), unix.ECONNRESET) {
		t.Errorf("PollIO error = %#v; want *os.SyscallError{Syscall: write} wrapping ECONNRESET", p.Err())
	}
}

func TestFDReadWrite(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := testkit.SocketPair(t)
	fa, fb := NewFD(a, nil), NewFD(b, nil)
	defer fa.Close()
	cx, _ := hostCx(r)
	buf := make([]byte, 8)
	tests := []struct {
		name    string
		poll    func() future.Poll[int]
		wantN   int
		wantErr error
		pending bool
	}{
		{name: "empty read", poll: func() future.Poll[int] { return fa.PollRead(cx, nil) }},
		{name: "empty write", poll: func() future.Poll[int] { return fb.PollWrite(cx, nil) }},
		{name: "read nothing yet", poll: func() future.Poll[int] { return fa.PollRead(cx, buf) }, pending: true},
		{name: "write", poll: func() future.Poll[int] { return fb.PollWrite(cx, []byte("hey")) }, wantN: 3},
		{name: "read before the event", poll: func() future.Poll[int] { return fa.PollRead(cx, buf) }, pending: true},
		{name: "read after the event", poll: func() future.Poll[int] {
			r.Dispatch([]Event{{Token: fa.reg.Load().Token(), Readable: true}})
			return fa.PollRead(cx, buf)
		}, wantN: 3},
		{name: "peer closed", poll: func() future.Poll[int] {
			fb.Close()
			r.Dispatch([]Event{{Token: fa.reg.Load().Token(), Readable: true}})
			return fa.PollRead(cx, buf)
		}, wantErr: io.EOF},
	}
	for _, tc := range tests {
		p := tc.poll()
		if tc.pending {
			if !p.IsPending() {
				t.Errorf("%s: Poll = %d, %v; want pending", tc.name, p.Value(), p.Err())
			}
			continue
		}
		if p.IsPending() || p.Value() != tc.wantN || !errors.Is(p.Err(), tc.wantErr) {
			t.Errorf("%s: Poll = %d, %v (pending %v); want %d, %v", tc.name, p.Value(), p.Err(), p.IsPending(), tc.wantN, tc.wantErr)
		}
	}
	if string(buf[:3]) != "hey" {
		t.Errorf("read %q; want \"hey\"", buf[:3])
	}
}

// TestCloseDuringSyscallWakesTask: Close runs on another goroutine while
// PollIO's system call is in flight and finds EAGAIN. The task parks its
// waker on a registration that is already closed; unless that wakes it, it
// never learns of the Close (DESIGN.md, contract 8).
func TestCloseDuringSyscallWakesTask(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	cx, w := hostCx(r)
	markReadable(t, r, fd, cx)
	woken := w.Count()
	p := PollIO(fd, cx, Read, "read", func(int) (int, error) {
		var wg sync.WaitGroup
		wg.Go(func() { fd.Close() }) // another goroutine closes meanwhile
		wg.Wait()
		return 0, unix.EAGAIN
	})
	if !p.IsPending() {
		t.Fatalf("PollIO = %v; want pending (EAGAIN)", p.Err())
	}
	if w.Count() == woken {
		t.Fatalf("task parked on a closed FD was not woken; want a wake so that it sees net.ErrClosed")
	}
	if p := fd.PollRead(cx, make([]byte, 1)); !errors.Is(p.Err(), net.ErrClosed) {
		t.Errorf("PollRead after the wake = %v; want net.ErrClosed", p.Err())
	}
}

// TestFDSize keeps an FD (inside every stream) at 24 bytes: a 32-bit
// descriptor number, the registration and the state word; the owner of
// the few that need one is in an OwnedFD.
func TestFDSize(t *testing.T) {
	if n := unsafe.Sizeof(FD{}); n > 24 {
		t.Errorf("an FD is %d bytes; want at most 24", n)
	}
}

// TestOwnedFDCloser: a loop that shuts down with fds registered closes the
// owner of an OwnedFD (and through NewFD with an owner), and a plain FD
// itself, whose descriptor is then closed.
func TestOwnedFDCloser(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	cx, _ := hostCx(r)
	_, b1 := socketPair(t)
	_, b2 := socketPair(t)
	a3, b3 := testkit.SocketPair(t) // a3 is closed by the registry's CloseAll
	defer unix.Close(b3)

	owner := &closer{}
	var owned OwnedFD
	owned.Init(b1, owner)
	viaNew := NewFD(b2, owner) // the FD of a new OwnedFD
	plain := NewFD(a3, nil)
	for _, fd := range []*FD{&owned.FD, viaNew, plain} {
		if p := fd.PollReady(cx, Write); p.Err() != nil {
			t.Fatalf("PollReady(Write) = %v", p.Err())
		}
	}
	if c := owned.closer(); c != Closer(owner) {
		t.Errorf("the closer of an OwnedFD is %T; want its owner", c)
	}
	if c := plain.closer(); c != Closer(plain) {
		t.Errorf("the closer of a plain FD is %T; want the FD", c)
	}
	r.CloseAll()
	if n := owner.n.Load(); n != 2 {
		t.Errorf("CloseAll closed the owner %d times; want 2 (one per OwnedFD)", n)
	}
	if !plain.Closed() {
		t.Error("CloseAll did not close the plain FD")
	}
	if n, err := unix.Read(b3, make([]byte, 1)); n != 0 || err != nil {
		t.Errorf("its peer reads %d, %v after CloseAll; want 0, nil (the end of input): the plain FD's descriptor is still open", n, err)
	}
	// The owner was told, not the descriptors: release the registrations
	// (the descriptors are closed by socketPair's cleanup).
	owned.reg.Load().Close()
	viaNew.reg.Load().Close()

	// An OwnedFD with no owner is closed itself.
	var self OwnedFD
	self.Init(-1, nil)
	if c := self.closer(); c != Closer(&self.FD) {
		t.Errorf("the closer of an OwnedFD with no owner is %T; want its FD", c)
	}
}

// TestFlagsKeepCounting: the flags (sole, lingers, level, TCP and the two
// that reads keep) share the state word with the closed flag and the count
// of calls in flight; setting and clearing them changes neither, and the
// last Decref after Close still closes the descriptor, once.
func TestFlagsKeepCounting(t *testing.T) {
	checkFDLeaks(t)
	a, b := testkit.SocketPair(t)
	defer unix.Close(b)
	fd := NewFD(a, nil)
	fd.SetSole()
	fd.SetLevel()
	fd.SetLingers(true)
	fd.SetTCP()
	fd.state.Or(fdInq | fdFilled) // as reads set them
	for range 2 {
		if err := fd.Incref(); err != nil {
			t.Fatalf("Incref() = %v", err)
		}
	}
	flags := uint64(fdFlags)
	if !levelTriggered {
		flags &^= fdLevel // SetLevel does nothing where the poller has no level mode
	}
	if tcpInq == 0 {
		flags &^= fdTCP // nor SetTCP where there is no TCP_INQ
	}
	if s := fd.state.Load(); s&^fdFlags != 2 || s&fdFlags != flags {
		t.Fatalf("state = %#x; want every flag and 2 calls in flight", s)
	}
	fd.SetLingers(false)
	if !fd.Sole() || fd.state.Load()&fdLingers != 0 || fd.state.Load()&^fdFlags != 2 {
		t.Fatalf("after SetLingers(false): state = %#x; want sole, 2 calls", fd.state.Load())
	}
	fd.SetLingers(true)
	fd.SetShared()
	if fd.state.Load()&(fdTCP|fdInq) != 0 {
		t.Fatalf("after SetShared: state = %#x; want neither TCP nor TCP_INQ", fd.state.Load())
	}
	fd.SetSole()
	if err := fd.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if !fd.Closed() || !fd.Sole() {
		t.Fatalf("after Close: Closed() = %v, sole = %v; want true, true", fd.Closed(), fd.Sole())
	}
	if err := fd.Incref(); !errors.Is(err, ErrClosed) {
		t.Errorf("Incref() after Close = %v; want ErrClosed", err)
	}
	fd.Decref()
	if !isOpen(a) {
		t.Fatalf("fd closed with a call still in flight")
	}
	fd.Decref()
	if isOpen(a) {
		t.Errorf("fd %d still open after the last Decref", a)
	}
	if s := fd.state.Load(); s&^fdFlags != fdClosed {
		t.Errorf("state after the last Decref = %#x; want closed, no calls in flight", s)
	}
}
