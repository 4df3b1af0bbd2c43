//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package netpoll

import (
	"errors"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(leaktest.Check(m)) }

// testHost is an Executor standing for a driver loop in these tests: the
// host function below maps it to its registry, as package driver does.
type testHost struct{ reg *Registry }

func (*testHost) Spawn(future.Future[struct{}]) {}

func init() {
	SetHost(func(e future.Executor) *Registry {
		if h, ok := e.(*testHost); ok {
			return h.reg
		}
		return nil
	})
}

// newRegistry returns a registry over a fresh poller (closed at the end of
// the test) whose Dispatch wakes with plain Wake.
func newRegistry(t *testing.T) *Registry {
	t.Helper()
	return NewRegistry(openPoller(t), func(w future.Waker) { w.Wake() })
}

// hostCx returns a context polled "on the loop" of r with a counting waker.
func hostCx(r *Registry) (*future.Context, *testkit.WakeCounter) {
	w := &testkit.WakeCounter{}
	return future.NewContext(w, &testHost{reg: r}), w
}

// markReadable arms fd with the loop of cx and dispatches a read event for
// it, as the loop does when the kernel reports data: a registration starts
// not ready to read, and the tests that call it drive the read side's
// system calls themselves. The event wakes cx's waker once.
func markReadable(t *testing.T, r *Registry, fd *FD, cx *future.Context) {
	t.Helper()
	if p := fd.PollReady(cx, Read); p.Err() != nil {
		t.Fatalf("PollReady(Read) = %v", p.Err())
	}
	r.Dispatch([]Event{{Token: fd.reg.Load().Token(), Readable: true}})
}

// registeredSocket checks the test for fd leaks and returns a fresh
// registry and the registration of one end of a new socket pair, closed
// when the test ends.
func registeredSocket(t *testing.T) (*Registry, *Registration) {
	t.Helper()
	r, reg, _, _ := registeredPair(t)
	return r, reg
}

// registeredPair is registeredSocket that also returns the pair's two
// descriptors: a, the registered end, and b, its peer.
func registeredPair(t *testing.T) (r *Registry, reg *Registration, a, b int) {
	t.Helper()
	checkFDLeaks(t)
	r = newRegistry(t)
	a, b = socketPair(t)
	reg = register(t, r, a, nil)
	t.Cleanup(func() { reg.Close() })
	return r, reg, a, b
}

// register registers fd with r and fails the test on error.
func register(t *testing.T, r *Registry, fd int, owner Closer) *Registration {
	t.Helper()
	reg, err := r.Register(fd, owner)
	if err != nil {
		t.Fatalf("Register(%d) = %v", fd, err)
	}
	return reg
}

// TestRegistrationStartsWritableNotReadable: a new registration is ready
// to write and not to read. The kernel reports the read side when the fd is
// added if data is already there (epoll_ctl and kevent look when they
// register), so the first read waits for that report instead of paying a
// read that, on a fresh connection, nearly always finds EAGAIN.
func TestRegistrationStartsWritableNotReadable(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := socketPair(t)
	reg := register(t, r, a, nil)
	defer reg.Close()
	cx, w := hostCx(r)
	if p := reg.PollReady(cx, Write); testkit.Describe(p) != "ok {}" {
		t.Errorf("PollReady(Write) on a new registration = %s; want ok {}", testkit.Describe(p))
	}
	if p := reg.PollReady(cx, Read); !p.IsPending() {
		t.Errorf("PollReady(Read) on a new registration = %s; want pending", testkit.Describe(p))
	}
	if !taskctx.WakerTaken(cx) {
		t.Errorf("WakerTaken() after a pending answer = false; want true")
	}
	write1(t, b)
	dispatchUntil(t, r, func() bool { return w.Count() > 0 })
	if p := reg.PollReady(cx, Read); testkit.Describe(p) != "ok {}" {
		t.Errorf("PollReady(Read) after the data's report = %s; want ok {}", testkit.Describe(p))
	}
	if r.Len() != 1 || reg.Registry() != r {
		t.Errorf("Len() = %d, Registry() = %p; want 1, %p", r.Len(), reg.Registry(), r)
	}
}

// TestDataBeforeRegistrationIsReported: data that arrived before the fd
// was added to the poller is reported all the same, so starting not ready
// to read loses nothing.
func TestDataBeforeRegistrationIsReported(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := socketPair(t)
	write1(t, b)
	fd := NewFD(a, nil)
	defer fd.Close()
	cx, w := hostCx(r)
	buf := make([]byte, 4)
	if p := fd.PollRead(cx, buf); !p.IsPending() {
		t.Fatalf("first PollRead = %d, %v; want pending until the poller reports", p.Value(), p.Err())
	}
	dispatchUntil(t, r, func() bool { return w.Count() > 0 })
	if p := fd.PollRead(cx, buf); p.Err() != nil || p.Value() != 1 {
		t.Fatalf("PollRead after the report = %d, %v; want 1, nil", p.Value(), p.Err())
	}
}

func TestPollReadyClearReadyProtocol(t *testing.T) {
	r, reg := registeredSocket(t)

	cx1, w1 := hostCx(r)
	reg.ClearReady(cx1, Read) // a read found EAGAIN
	if !taskctx.WakerTaken(cx1) {
		t.Errorf("ClearReady did not take the waker; want it parked for the next edge")
	}
	if p := reg.PollReady(cx1, Write); testkit.Describe(p) != "ok {}" {
		t.Errorf("PollReady(Write) after ClearReady(Read) = %s; want ok {} (sides are independent)", testkit.Describe(p))
	}
	cx2, w2 := hostCx(r)
	if p := reg.PollReady(cx2, Read); testkit.Describe(p) != "pending" {
		t.Fatalf("PollReady(Read) after ClearReady = %s; want pending", testkit.Describe(p))
	}
	// Only the waker of the most recent poll is woken.
	r.Dispatch([]Event{{Token: reg.Token(), Readable: true}})
	if w1.Count() != 0 || w2.Count() != 1 {
		t.Errorf("Dispatch(readable) woke the old waker %d and the new one %d times; want 0 and 1", w1.Count(), w2.Count())
	}
	if p := reg.PollReady(cx2, Read); testkit.Describe(p) != "ok {}" {
		t.Errorf("PollReady(Read) after a readable event = %s; want ok {}", testkit.Describe(p))
	}
	// The waker was consumed: another event wakes no one.
	r.Dispatch([]Event{{Token: reg.Token(), Readable: true, Writable: true}})
	if w2.Count() != 1 {
		t.Errorf("second Dispatch woke %d times in all; want 1 (waker handed out once)", w2.Count())
	}

	// The write side follows the same protocol.
	cx3, w3 := hostCx(r)
	reg.ClearReady(cx3, Write)
	if p := reg.PollReady(cx3, Write); testkit.Describe(p) != "pending" {
		t.Fatalf("PollReady(Write) after ClearReady = %s; want pending", testkit.Describe(p))
	}
	r.Dispatch([]Event{{Token: reg.Token(), Readable: true}})
	if w3.Count() != 0 {
		t.Errorf("a readable event woke the writer %d times; want 0", w3.Count())
	}
	r.Dispatch([]Event{{Token: reg.Token(), Writable: true}})
	if w3.Count() != 1 || testkit.Describe(reg.PollReady(cx3, Write)) != "ok {}" {
		t.Errorf("writable event: writer woken %d times, PollReady(Write) = %s; want 1, ok {}", w3.Count(), testkit.Describe(reg.PollReady(cx3, Write)))
	}
}

func TestDispatchWakesTheRightWaker(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	const n = 8
	regs := make([]*Registration, n)
	wakers := make([]*testkit.WakeCounter, n)
	for i := range n {
		a, _ := socketPair(t)
		regs[i] = register(t, r, a, nil)
		defer regs[i].Close()
		cx, w := hostCx(r)
		wakers[i] = w
		regs[i].ClearReady(cx, Read)
	}
	r.Dispatch([]Event{{Token: regs[3].Token(), Readable: true}, {Token: regs[5].Token(), Writable: true}})
	for i, w := range wakers {
		want := 0
		if i == 3 {
			want = 1
		}
		if got := w.Count(); got != want {
			t.Errorf("registration %d woken %d times; want %d", i, got, want)
		}
	}
}

func TestDispatchFromThePoller(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, b := socketPair(t)
	reg := register(t, r, a, nil)
	defer reg.Close()
	settle(t, r.Poller())
	cx, w := hostCx(r)
	reg.ClearReady(cx, Read)
	write1(t, b)
	events := make([]Event, 8)
	n, err := r.Poller().Wait(events, -1)
	if err != nil {
		t.Fatalf("Wait() = %v", err)
	}
	r.Dispatch(events[:n])
	if w.Count() != 1 {
		t.Errorf("reader woken %d times after a write to its peer; want 1", w.Count())
	}
}

func TestStaleTokenIsDropped(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, _ := socketPair(t)
	c, _ := socketPair(t)
	old := register(t, r, a, nil)
	stale := old.Token()
	if !old.Close() {
		t.Fatalf("Close() = false; want true")
	}
	reg := register(t, r, c, nil) // reuses the slot, with a new generation
	defer reg.Close()
	if uint32(reg.Token()) != uint32(stale) || reg.Token() == stale {
		t.Fatalf("new token %#x, old %#x; want the same slot, another generation", reg.Token(), stale)
	}
	cx, w := hostCx(r)
	reg.ClearReady(cx, Read)
	r.Dispatch([]Event{
		{Token: stale, Readable: true, Writable: true},
		{Token: Token(1000), Readable: true},         // a slot that never existed
		{Token: reg.Token() + 1<<32, Readable: true}, // a generation not issued yet
	})
	if w.Count() != 0 {
		t.Errorf("stale events woke the new registration %d times; want 0", w.Count())
	}
	if p := reg.PollReady(cx, Read); testkit.Describe(p) != "pending" {
		t.Errorf("PollReady(Read) after stale events = %s; want pending (readiness unchanged)", testkit.Describe(p))
	}
	r.Dispatch([]Event{{Token: reg.Token(), Readable: true}})
	if w.Count() != 1 {
		t.Errorf("the live token woke %d times; want 1", w.Count())
	}
}

func TestRegistrationCloseWakesBothSides(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	a, _ := socketPair(t)
	reg := register(t, r, a, nil)
	rcx, rw := hostCx(r)
	wcx, ww := hostCx(r)
	reg.ClearReady(rcx, Read)
	reg.ClearReady(wcx, Write)
	if !reg.Close() {
		t.Fatalf("Close() = false; want true")
	}
	if rw.Count() != 1 || ww.Count() != 1 {
		t.Errorf("Close woke reader %d, writer %d times; want 1 and 1", rw.Count(), ww.Count())
	}
	for _, d := range []Direction{Read, Write} {
		p := reg.PollReady(rcx, d)
		if !p.IsReady() || !errors.Is(p.Err(), net.ErrClosed) {
			t.Errorf("PollReady(%d) after Close = %s; want net.ErrClosed", d, testkit.Describe(p))
		}
	}
	if reg.Close() {
		t.Errorf("second Close() = true; want false")
	}
	if r.Len() != 0 {
		t.Errorf("Len() after Close = %d; want 0", r.Len())
	}
}

// closer counts its Close calls.
type closer struct{ n atomic.Int64 }

func (c *closer) Close() error { c.n.Add(1); return nil }

func TestCloseAllClosesOwners(t *testing.T) {
	checkFDLeaks(t)
	r := newRegistry(t)
	owners := make([]*closer, 4)
	regs := make([]*Registration, 4)
	for i := range owners {
		a, _ := socketPair(t)
		owners[i] = &closer{}
		regs[i] = register(t, r, a, owners[i])
	}
	regs[1].Close() // already gone: its owner is not closed again
	r.CloseAll()
	for i, o := range owners {
		want := int64(1)
		if i == 1 {
			want = 0
		}
		if o.n.Load() != want {
			t.Errorf("owner %d closed %d times; want %d", i, o.n.Load(), want)
		}
	}
	for _, reg := range regs {
		reg.Close()
	}
}

func TestRegisterError(t *testing.T) {
	r := newRegistry(t)
	if _, err := r.Register(-1, nil); err == nil {
		t.Fatalf("Register(-1) = nil error; want one")
	}
	if r.Len() != 0 {
		t.Errorf("Len() after a failed Register = %d; want 0 (slot released)", r.Len())
	}
}

func TestRegistryOf(t *testing.T) {
	r := newRegistry(t)
	if _, err := RegistryOf(future.NewContext(nil, nil)); !errors.Is(err, future.ErrNoDriver) {
		t.Errorf("RegistryOf(no executor) = %v; want ErrNoDriver", err)
	}
	other := future.NewContext(nil, testkit.ExecutorFunc(func(future.Future[struct{}]) {}))
	if _, err := RegistryOf(other); !errors.Is(err, future.ErrNoDriver) {
		t.Errorf("RegistryOf(a foreign executor) = %v; want ErrNoDriver", err)
	}
	cx, _ := hostCx(r)
	if got, err := RegistryOf(cx); got != r || err != nil {
		t.Errorf("RegistryOf(host) = %p, %v; want %p, nil", got, err, r)
	}
}

// TestBothSidesParked parks wakers on both sides of one registration, in
// every order the one-waker slot must survive: a reader and then a writer
// (which moves them into a pair), a side re-parked with another waker
// (which replaces only that side's), events for one side and then the
// other (each wakes its own waker once), and Close with both parked (which
// wakes both). Once the pair exists, parking on both sides again allocates
// nothing.
func TestBothSidesParked(t *testing.T) {
	r, reg := registeredSocket(t)

	reader, rw := hostCx(r)
	writer, ww := hostCx(r)
	reg.ClearReady(reader, Read)
	if _, pair := reg.waker.(*wakerPair); pair {
		t.Fatalf("one side parked holds a pair; want the waker alone")
	}
	reg.ClearReady(writer, Write)
	if _, pair := reg.waker.(*wakerPair); !pair {
		t.Fatalf("both sides parked with two wakers: no pair")
	}
	reader2, rw2 := hostCx(r)
	if p := reg.PollReady(reader2, Read); testkit.Describe(p) != "pending" {
		t.Fatalf("PollReady(Read) = %s; want pending", testkit.Describe(p))
	}
	r.Dispatch([]Event{{Token: reg.Token(), Readable: true}})
	if rw.Count() != 0 || rw2.Count() != 1 || ww.Count() != 0 {
		t.Errorf("a readable event woke the replaced reader %d, the reader %d and the writer %d times; want 0, 1, 0",
			rw.Count(), rw2.Count(), ww.Count())
	}
	r.Dispatch([]Event{{Token: reg.Token(), Writable: true}})
	if rw2.Count() != 1 || ww.Count() != 1 {
		t.Errorf("a writable event: reader woken %d, writer %d times in all; want 1, 1", rw2.Count(), ww.Count())
	}
	r.Dispatch([]Event{{Token: reg.Token(), Readable: true, Writable: true}})
	if rw2.Count() != 1 || ww.Count() != 1 {
		t.Errorf("an event with no waker parked woke reader %d, writer %d times in all; want 1, 1", rw2.Count(), ww.Count())
	}

	// With the pair in place, parking on both sides and taking both
	// allocates nothing.
	if n := testing.AllocsPerRun(100, func() {
		reg.ClearReady(reader, Read)
		reg.ClearReady(writer, Write)
		r.Dispatch([]Event{{Token: reg.Token(), Readable: true, Writable: true}})
	}); n != 0 {
		t.Errorf("parking both sides with the pair in place allocates %v times; want 0", n)
	}

	// The same waker on both sides, then Close: both sides are woken.
	reg.ClearReady(reader, Read)
	reg.ClearReady(reader, Write)
	before := rw.Count()
	reg.Close()
	if got := rw.Count() - before; got != 2 {
		t.Errorf("Close with one waker parked on both sides woke it %d times; want 2", got)
	}
}

// TestOneSideParkedNeedsNoPair: a waker parked on one side, taken, and then
// one parked on the other side never makes a pair; the slot holds one
// side's waker at a time.
func TestOneSideParkedNeedsNoPair(t *testing.T) {
	r, reg := registeredSocket(t)
	cx, w := hostCx(r)
	reg.ClearReady(cx, Read)
	r.Dispatch([]Event{{Token: reg.Token(), Readable: true}})
	reg.ClearReady(cx, Write)
	if _, pair := reg.waker.(*wakerPair); pair {
		t.Errorf("sides parked one after the other hold a pair; want the waker alone")
	}
	r.Dispatch([]Event{{Token: reg.Token(), Writable: true}})
	if w.Count() != 2 {
		t.Errorf("woken %d times; want 2 (once per side)", w.Count())
	}
	if reg.waker != nil || reg.state.Load()&(regReadParked|regWriteParked) != 0 {
		t.Errorf("after both wakers were taken: waker %v, state %#x; want none parked", reg.waker, reg.state.Load())
	}
}

// TestRegistrationSize keeps a registration in the 48-byte size class: an
// idle connection pays for one.
func TestRegistrationSize(t *testing.T) {
	if n := unsafe.Sizeof(Registration{}); n > 48 {
		t.Errorf("a Registration is %d bytes; want at most 48", n)
	}
}

// readReady reports whether the read side is marked ready.
func (reg *Registration) readReady() bool { return reg.state.Load()&regReadReady != 0 }

// TestRegistrationBits: the flags, the lock bit and the two ticks share the
// state word without overlapping, and a tick wraps within its own bits.
func TestRegistrationBits(t *testing.T) {
	flags := regLocked | regArmed | regClosed | regReadReady | regWriteReady | regReadClosed | regMuted | regReadParked | regWriteParked | regWriteWatched
	if flags >= 1<<readTickShift {
		t.Fatalf("the flags %#x reach into the read tick (bit %d)", flags, readTickShift)
	}
	if writeTickShift+tickBits > 64 {
		t.Fatalf("the write tick ends at bit %d of 64", writeTickShift+tickBits)
	}
	s := flags
	s = withTick(s, Read, 12345)
	s = withTick(s, Write, tickMask) // the largest tick
	if got := tickOf(s, Read); got != 12345 {
		t.Errorf("read tick = %d; want 12345", got)
	}
	if got := tickOf(s, Write); got != tickMask {
		t.Errorf("write tick = %d; want %d", got, tickMask)
	}
	if s&flags != flags {
		t.Errorf("setting the ticks changed the flags: %#x", s&flags)
	}
	s = withTick(s, Write, tickOf(s, Write)+1) // wraps to 0
	if got, rd := tickOf(s, Write), tickOf(s, Read); got != 0 || rd != 12345 {
		t.Errorf("after wrapping: write tick %d, read tick %d; want 0 and 12345", got, rd)
	}
	if s&flags != flags {
		t.Errorf("wrapping the write tick changed the flags: %#x", s&flags)
	}

	// setReady counts each side's events apart and keeps readClosed.
	reg := &Registration{fd: &FD{}}
	reg.state.Store(0)
	reg.setReady(Event{Readable: true})
	reg.setReady(Event{Readable: true, Writable: true, ReadClosed: true})
	st := reg.state.Load()
	if tickOf(st, Read) != 2 || tickOf(st, Write) != 1 {
		t.Errorf("ticks after two read and one write events: read %d, write %d; want 2, 1", tickOf(st, Read), tickOf(st, Write))
	}
	if want := regReadReady | regWriteReady | regReadClosed; st != want|withTick(withTick(0, Read, 2), Write, 1) {
		t.Errorf("state after the events = %#x; want flags %#x and the ticks, unlocked", st, want)
	}
}
