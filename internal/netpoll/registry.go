package netpoll

import (
	"errors"
	"net"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/eddyio/eddy/future"
)

// Registry is the portable half of the reactor: the slab of registrations a
// driver loop owns, keyed by [Token] (slot index | generation << 32), so that
// the kernel holds integers, never Go pointers, and an event for a slot that
// has since been reused (a stale generation) is recognised and dropped.
//
// The generation is a counter of the whole registry, not of each slot: a
// slot holds only its registration's pointer (8 bytes per fd), the
// registration keeps its own token, and an event names its registration if
// the slot's registration has that token. A stale event could be taken for
// a new one only if its slot were reused after exactly 2³² registrations,
// while the event was still in flight.
//
// Register, Deregister and CloseAll are safe from any goroutine; Dispatch is
// called by the loop that owns the registry.
type Registry struct {
	poller *Poller
	wake   func(future.Waker) // how Dispatch wakes a task; set by the loop

	mu     sync.Mutex // guards chunks, n and free
	chunks []*chunk   // the slab, in chunks that never move
	n      uint32     // slots handed out so far (free ones included)
	free   []uint32
	gen    uint32 // the generation of the last token handed out

	woken []future.Waker // Dispatch's scratch list; loop goroutine only
}

// chunkSlots is the number of slots in a chunk of the slab. The slab grows
// by one chunk at a time, so that a registry of many fds wastes at most one
// chunk, where doubling a slice would leave up to half of it unused (and
// copy it on each growth).
const chunkSlots = 256

// chunk is a piece of the slab: per slot, the live registration (nil when
// free).
type chunk struct {
	regs [chunkSlots]*Registration
}

// slot returns the registration in slot idx, or nil if it is free or was
// never handed out. The caller holds mu.
func (r *Registry) slot(idx uint32) *Registration {
	if idx >= r.n {
		return nil
	}
	return r.chunks[idx/chunkSlots].regs[idx%chunkSlots]
}

// NewRegistry returns a registry that registers fds with p and wakes tasks
// through wake (the loop's fast path for its own tasks).
func NewRegistry(p *Poller, wake func(future.Waker)) *Registry {
	return &Registry{poller: p, wake: wake}
}

// Poller returns the poller the registry registers fds with.
func (r *Registry) Poller() *Poller { return r.poller }

// Register adds fd to the reactor, edge-triggered for reading and writing,
// and returns its registration. The fd starts out ready both ways: the first
// read or write is attempted, and EAGAIN clears the readiness. owner is
// closed by CloseAll when the loop shuts down with the fd still registered.
//
// Register works on the raw descriptor number: the caller keeps fd open
// until it is done. [FD] registers through [Registry.Track] and arms under a
// reference of its own instead.
func (r *Registry) Register(fd int, owner Closer) (*Registration, error) {
	o := &OwnedFD{owner: owner} // a nil owner: CloseAll closes nothing
	o.FD.Init(fd)
	o.owned = true
	reg := r.Track(&o.FD)
	if err := reg.arm(); err != nil {
		r.release(reg)
		return nil, err
	}
	return reg, nil
}

// Track gives fd a slot in the registry without adding it to the poller: the
// loop now answers for closing fd's owner when it shuts down, although no
// task has polled the fd yet. The registration is armed (added to the poller) by
// the first poll from this loop; a poll from another loop while it is still
// unarmed moves the fd there (see [FD.Track]).
func (r *Registry) Track(fd *FD) *Registration {
	reg := &Registration{registry: r, fd: fd}
	reg.state.Store(regWriteReady)
	r.mu.Lock()
	var idx uint32
	if n := len(r.free); n > 0 {
		idx = r.free[n-1]
		r.free = r.free[:n-1]
	} else {
		idx = r.n
		if idx%chunkSlots == 0 {
			r.chunks = append(r.chunks, new(chunk))
		}
		r.n++
	}
	r.gen++ // no token equals WakeToken: its slot index (2³²-1) is never reached
	r.chunks[idx/chunkSlots].regs[idx%chunkSlots] = reg
	reg.token = Token(idx) | Token(r.gen)<<32
	r.mu.Unlock()
	return reg
}

// release frees the slot of reg; a later event carrying its token is stale.
func (r *Registry) release(reg *Registration) {
	idx := uint32(reg.token)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.slot(idx) == reg {
		r.chunks[idx/chunkSlots].regs[idx%chunkSlots] = nil
		r.free = append(r.free, idx)
	}
}

// Len returns the number of live registrations.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return int(r.n) - len(r.free)
}

// Dispatch applies a batch of events from [Poller.Wait]: it marks the
// registrations ready and wakes the tasks parked on them. The wakers are
// called after the registry's lock is released, so a waker may register or
// close fds of this same registry.
func (r *Registry) Dispatch(events []Event) {
	woken := r.woken[:0]
	r.mu.Lock()
	for _, ev := range events {
		reg := r.slot(uint32(ev.Token))
		if reg == nil || reg.token != ev.Token {
			continue // stale: the fd was deregistered, perhaps reused
		}
		rw, ww := reg.setReady(ev)
		if rw != nil {
			woken = append(woken, rw)
		}
		if ww != nil {
			woken = append(woken, ww)
		}
	}
	r.mu.Unlock()
	for i, w := range woken {
		r.wake(w)
		woken[i] = nil
	}
	r.woken = woken[:0]
}

// CloseAll closes the owner of every registration still live: the loop
// calls it when it shuts down, so no fd it drove outlives it.
func (r *Registry) CloseAll() {
	r.mu.Lock()
	var owners []Closer
	for idx := range r.n {
		if reg := r.slot(idx); reg != nil {
			if c := reg.fd.closer(); c != nil {
				owners = append(owners, c)
			}
		}
	}
	r.mu.Unlock()
	for _, o := range owners {
		o.Close()
	}
}

// TrackCloser gives c, a resource of the loop that is not a pollable
// descriptor (a file served by the blocking pool, a signal stream), a slot
// in the registry so that CloseAll closes it when the loop shuts down first.
// The registration is never armed; c closes it (Registration.Close) when c
// is closed by its owner.
func (r *Registry) TrackCloser(c Closer) *Registration {
	o := &OwnedFD{}
	o.Init(-1, c)
	return r.Track(&o.FD)
}

// Closer is what owns a registered fd: closing it closes the fd.
type Closer interface {
	Close() error
}

// Direction names the side of a registration a task waits on.
type Direction uint8

// The two directions.
const (
	Read Direction = iota
	Write
)

// Registration is one fd's entry in the reactor: its readiness for reading
// and writing, and the waker of the one task waiting on each side (one reader
// task and one writer task at a time; a second task waiting on the same side
// replaces the first, which must not be relied upon).
//
// The protocol, as in mio and Tokio: a task calls PollReady; if ready, it
// tries its system call; on EAGAIN it calls ClearReady, which forgets the
// readiness and parks the waker until the next edge. A task never makes a
// system call while its side is known not ready.
//
// A registration is 48 bytes, which an idle connection pays for: its flags,
// its readiness ticks and the lock of its waker share one atomic word
// (state), in place of a mutex, a row of booleans and two counters, and
// it has room for one parked waker (see park). A
// side found ready is answered with one atomic load; the lock is taken to
// park or take a waker, by the loop's goroutine nearly always, and held
// for a few instructions (or, when the fd is first armed, one epoll_ctl).
type Registration struct {
	registry *Registry
	fd       *FD // its descriptor number and the owner CloseAll closes
	token    Token

	// waker is the waker parked on the side whose regReadParked or
	// regWriteParked bit is set; once wakers were parked on both sides at
	// once, it is a *wakerPair that holds one for each side, kept from
	// then on (see park). Guarded by the lock bit of state.
	waker future.Waker

	// state holds the flags below, the lock bit and the read and write
	// ticks (see tick.go). It changes only under the lock, and the
	// unlock publishes it, so a lock-free Load sees a consistent word.
	state atomic.Uint64
}

// The bits of Registration.state.
const (
	regLocked       uint64 = 1 << iota // a goroutine holds the lock: it alone changes the word and the wakers
	regArmed                           // the fd is in the poller; before, the registration only tracks it for CloseAll
	regClosed                          // closed: final
	regReadReady                       // the read side may be ready
	regWriteReady                      // the write side may be ready
	regReadClosed                      // an event said no more data will arrive; final
	regMuted                           // a level-triggered fd taken out of the poller until its readiness is used (see muting)
	regReadParked                      // a waker is parked on the read side
	regWriteParked                     // a waker is parked on the write side
	regWriteWatched                    // the poller reports write readiness (see WatchWrite); from the first full write on

	// The ticks count the events that set each side ready, modulo
	// 1<<tickBits, above the flags.
	tickBits       = 27
	tickMask       = 1<<tickBits - 1
	readTickShift  = 10
	writeTickShift = readTickShift + tickBits
)

// ready is the ready flag of side d.
func ready(d Direction) uint64 {
	if d == Read {
		return regReadReady
	}
	return regWriteReady
}

// lock takes the lock bit of the state word and returns the word, which
// the caller changes and hands to unlock. It spins briefly and then yields:
// the holder is nearly always the loop's own goroutine, for a few
// instructions.
func (reg *Registration) lock() uint64 {
	for spins := 0; ; spins++ {
		if s := reg.state.Load(); s&regLocked == 0 && reg.state.CompareAndSwap(s, s|regLocked) {
			return s | regLocked
		}
		if spins >= 8 {
			runtime.Gosched()
		}
	}
}

// unlock publishes s, the state word as the lock's holder changed it, and
// releases the lock.
func (reg *Registration) unlock(s uint64) { reg.state.Store(s &^ regLocked) }

// armed reports whether the fd has been added to the poller.
func (reg *Registration) armed() bool { return reg.state.Load()&regArmed != 0 }

// ErrClosed is what a registration answers once it has been closed. It is
// net.ErrClosed, so errors.Is(err, net.ErrClosed) holds.
var ErrClosed = net.ErrClosed

// Registry returns the registry (and so the loop) the registration belongs to.
func (reg *Registration) Registry() *Registry { return reg.registry }

// Token returns the token the fd is registered under.
func (reg *Registration) Token() Token { return reg.token }

func (reg *Registration) setReady(ev Event) (rw, ww future.Waker) {
	s := reg.lock()
	if ev.ReadClosed {
		s |= regReadClosed
	}
	if ev.Readable && s&regReadReady != 0 && reg.fd.level() {
		s = reg.muteLocked(s)
	}
	if ev.Readable {
		s = withTick(s|regReadReady, Read, tickOf(s, Read)+1)
		s, rw = reg.take(s, Read)
	}
	if ev.Writable {
		s = withTick(s|regWriteReady, Write, tickOf(s, Write)+1)
		s, ww = reg.take(s, Write)
	}
	reg.unlock(s)
	return rw, ww
}

// Muting.
//
// A level-triggered fd (a listener, [FD.SetLevel]) is reported at every
// wait while a connection is queued, whether or not a task accepts it. A
// task that accepts uses each report: its call clears the readiness,
// which the next wait sets again if more is queued. A report that finds
// the readiness still set was not used: nobody is accepting (the server
// is paused, or backs off after EMFILE, or nobody polls the listener any
// more), and every wait from now on would return at once with the same
// report, a loop that never sleeps. So the registration takes the fd out
// of the poller (muted) and puts it back (level-triggered, so a queued
// connection is reported at once) when a call next clears the readiness.
// A task that is merely late (its loop turn ran out before it polled)
// costs one removal and one re-add. Both run under the lock, which
// keeps the descriptor open: Close needs the lock before it closes it.

// muteLocked takes the level-triggered fd out of the poller, if it is
// armed and not closed, and returns s marked muted. The caller holds the
// lock.
func (reg *Registration) muteLocked(s uint64) uint64 {
	if s&(regArmed|regClosed|regMuted) != regArmed {
		return s
	}
	if reg.registry.poller.Delete(reg.fd.Sysfd()) != nil {
		return s // still reported: the loop keeps trying
	}
	return s | regMuted
}

// unmuteLocked puts a muted fd back into the poller and returns s
// unmarked, and true; false if the poller refused it, and then the
// caller keeps the side ready and wakes its task, which tries its call
// (and so this) again rather than wait for a report that cannot come.
// The caller holds the lock.
func (reg *Registration) unmuteLocked(s uint64) (uint64, bool) {
	if s&regMuted == 0 || s&regClosed != 0 {
		return s, true
	}
	if reg.registry.poller.AddLevel(reg.fd.Sysfd(), reg.token) != nil {
		return s, false
	}
	return s &^ regMuted, true
}

// clearLocked clears side d of s, with cx's waker parked for its next
// report, and unlocks. A muted fd goes back into the poller first, and the
// write side of an fd the poller does not yet watch for writing is added
// to its interest (watchWriteLocked); if either cannot be done, the side
// stays ready and the task is woken to try again. On a
// registration closed while the caller's system call was in flight, Close
// found no waker to wake, so cx's task is woken now; its next poll sees
// ErrClosed.
func (reg *Registration) clearLocked(cx *future.Context, d Direction, s uint64) {
	if s&regClosed != 0 {
		reg.unlock(s)
		cx.Waker().Wake()
		return
	}
	s, ok := reg.unmuteLocked(s)
	if ok && d == Write {
		s, ok = reg.watchWriteLocked(s)
	}
	if !ok {
		reg.unlock(s)
		cx.Waker().Wake()
		return
	}
	s = reg.park(s, d, cx.Waker())
	reg.unlock(s &^ ready(d))
}

// watchWriteLocked has the poller report the fd's write readiness from now
// on, if it does not yet, and returns s marked so; false if the poller
// refused. A registration starts ready to write and watched for reading
// only (see Poller.Add), so this runs once, when a write first finds the
// socket full: its EAGAIN is the first time the write side needs an edge.
// An fd not yet in the poller has no entry to modify: that answers false
// too, so the task is woken and its next poll, which arms the fd, tries
// again. (Every path that clears a side arms the fd first.)
// The caller holds the lock, which keeps the descriptor open.
func (reg *Registration) watchWriteLocked(s uint64) (uint64, bool) {
	switch {
	case s&regWriteWatched != 0 || reg.fd.level():
		return s, true
	case s&regArmed == 0, reg.registry.poller.WatchWrite(reg.fd.Sysfd(), reg.token) != nil:
		return s, false
	}
	return s | regWriteWatched, true
}

// consumeAt records that a call on the level-triggered read side, made
// when the side was seen ready at tick, succeeded: the report it used is
// spent, and the poller reports the side again if it is still ready. A
// report dispatched since tick is fresh and is kept. No waker is parked:
// the task's next poll parks one if no report has come by then.
func (reg *Registration) consumeAt(tick uint32) {
	s := reg.lock()
	if s&regClosed == 0 && tickOf(s, Read) == tick {
		if u, ok := reg.unmuteLocked(s); ok {
			s = u &^ regReadReady
		}
	}
	reg.unlock(s)
}

// PollReady answers ready when the fd may be ready in direction d and
// pending, with cx's waker parked, when it is known not to be. A closed
// registration answers [ErrClosed].
func (reg *Registration) PollReady(cx *future.Context, d Direction) future.Poll[struct{}] {
	p, _ := reg.pollReadyTick(cx, d)
	return p
}

// Parked wakers.
//
// A registration has room for one waker, not one per side: an idle
// connection waits on one side, and two interfaces would take a
// registration from the 48-byte size class to the 64-byte one. A bit of
// the state word says which side the waker is parked on. When a waker is
// parked on one side while another waits on the other, the two go into a
// wakerPair, allocated then and kept for the registration's life, so that a
// connection whose two sides wait at once (a task reading and writing, or a
// reader task and a writer task) allocates once and never again.

// wakerPair holds the wakers of the two sides of a registration; it is a
// Waker only so that it fits in Registration.waker, and is never woken.
type wakerPair struct{ read, write future.Waker }

func (*wakerPair) Wake() {}

// side returns the place of side d's waker in the pair.
func (p *wakerPair) side(d Direction) *future.Waker {
	if d == Read {
		return &p.read
	}
	return &p.write
}

// parked is the state bit that says a waker is parked on side d.
func parked(d Direction) uint64 {
	if d == Read {
		return regReadParked
	}
	return regWriteParked
}

// park parks w on side d, replacing the waker parked there, and returns s
// with side d marked parked; the caller holds the lock (s is the locked
// word) and stores the result with unlock.
func (reg *Registration) park(s uint64, d Direction, w future.Waker) uint64 {
	other := Direction(1 - d)
	if p, ok := reg.waker.(*wakerPair); ok {
		*p.side(d) = w
	} else if s&parked(other) == 0 {
		reg.waker = w // the one waker parked
	} else {
		p := &wakerPair{}
		*p.side(other) = reg.waker
		*p.side(d) = w
		reg.waker = p
	}
	return s | parked(d)
}

// take unparks the waker of side d and returns s with side d unmarked, and
// the waker (nil if none was parked); the caller holds the lock.
func (reg *Registration) take(s uint64, d Direction) (uint64, future.Waker) {
	if s&parked(d) == 0 {
		return s, nil
	}
	s &^= parked(d)
	if p, ok := reg.waker.(*wakerPair); ok {
		w := *p.side(d)
		*p.side(d) = nil
		return s, w
	}
	w := reg.waker // the other side has none parked: it would be a pair
	reg.waker = nil
	return s, w
}

// ClearReady records that a system call in direction d answered EAGAIN: the
// side is not ready until the next edge, and cx's waker is parked for it.
// Because the loop that owns the registration both makes the system calls
// and dispatches the events, no edge can fall between the EAGAIN and this
// call unseen.
func (reg *Registration) ClearReady(cx *future.Context, d Direction) {
	reg.clearLocked(cx, d, reg.lock())
}

// Close marks the registration closed, removes the fd from the poller (if
// it was armed) and the slab, and wakes the tasks parked on it so that they
// see [ErrClosed]. It reports whether this call was the one that closed it.
func (reg *Registration) Close() bool {
	s := reg.lock()
	if s&regClosed != 0 {
		reg.unlock(s)
		return false
	}
	s, rw := reg.take(s, Read)
	s, ww := reg.take(s, Write)
	reg.unlock(s | regClosed)
	if s&regArmed != 0 && !reg.fd.Sole() { // a sole fd leaves the poller by being closed
		_ = reg.registry.poller.Delete(reg.fd.Sysfd())
	}
	reg.registry.release(reg)
	if rw != nil {
		rw.Wake()
	}
	if ww != nil {
		ww.Wake()
	}
	return true
}

// arm adds the fd to the poller, once. The caller guarantees that the
// descriptor number is open (FD holds a reference). A closed registration
// answers [ErrClosed] and is never added. The lock is held across the
// system call, so that a Close racing it either comes first (and the fd is
// never added) or finds it armed (and deletes it).
func (reg *Registration) arm() error {
	s := reg.lock()
	switch {
	case s&regClosed != 0:
		reg.unlock(s)
		return ErrClosed
	case s&regArmed != 0:
		reg.unlock(s)
		return nil
	}
	var err error
	if reg.fd.level() {
		err = reg.registry.poller.AddLevel(reg.fd.Sysfd(), reg.token)
	} else {
		err = reg.registry.poller.Add(reg.fd.Sysfd(), reg.token)
		if addWatchesWrite {
			s |= regWriteWatched
		}
	}
	if err != nil {
		reg.unlock(s)
		return err
	}
	reg.unlock(s | regArmed)
	return nil
}

// disown outcomes.
const (
	disowned  = iota // the registration let go of its fd; it may move
	wasArmed         // the fd is in the poller of this registry: it stays
	wasClosed        // the registration was closed
)

// disown gives up an unarmed registration so that its fd can move to the
// loop that polls it: it is closed without waking or closing anything, and
// its slot freed.
func (reg *Registration) disown() int {
	s := reg.lock()
	switch {
	case s&regClosed != 0:
		reg.unlock(s)
		return wasClosed
	case s&regArmed != 0:
		reg.unlock(s)
		return wasArmed
	}
	reg.unlock(s | regClosed)
	reg.registry.release(reg)
	return disowned
}

// ErrWrongLoop is returned when an fd registered with one loop is polled
// from another.
var ErrWrongLoop = errors.New("driver: fd polled from a loop other than the one it is registered with; a socket belongs to the loop that first polled it")

// hostRegistry maps a task's executor to its registry; package driver sets
// it, so that I/O packages reach the reactor without the driver exporting it.
var hostRegistry func(future.Executor) *Registry

// SetHost installs the function that finds the registry of an executor. The
// driver calls it from its init.
func SetHost(fn func(future.Executor) *Registry) { hostRegistry = fn }

// RegistryOf returns the registry of the loop polling cx, or
// [future.ErrNoDriver].
func RegistryOf(cx *future.Context) (*Registry, error) {
	e := cx.Executor()
	if e == nil || hostRegistry == nil {
		return nil, future.ErrNoDriver
	}
	if r := hostRegistry(e); r != nil {
		return r, nil
	}
	return nil, future.ErrNoDriver
}
