package tlsio

import (
	"errors"
	"sync"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
)

// The handshake runs on a goroutine of its own, the only goroutine a
// Stream ever has, and only while the handshake lasts: crypto/tls's
// handshake is a straight-line function whose error is sticky
// (Conn.handshakeErr), so it cannot be stopped at "would block" and resumed
// as the record layer can. The goroutine's conn hands every read and write
// to the loop through an exchange: it posts the operation, wakes the tasks
// polling the handshake and waits; the task that polls next does the
// non-blocking I/O on the loop, with its own context, straight into or out
// of the goroutine's buffer, and answers. crypto/tls's QUIC API (QUICConn)
// is built the same way: its Start runs HandshakeContext on a goroutine and
// trades control through two channels.

// The operations of the exchange.
const (
	opNone  = iota // the goroutine computes, or waits for its answer
	opRead         // the goroutine waits for a read into buf
	opWrite        // the goroutine waits for all of buf to be written
	opDone         // the handshake is over, with err
)

// The roles of the tasks that may wait on the handshake: each keeps its
// own waker, so a reader task and a writer task can both wait.
const (
	roleRead = iota
	roleWrite
	roleHandshake
	nRoles
)

// exchange is the state shared by the handshake goroutine and the loop.
type exchange struct {
	mu     sync.Mutex
	wakers [nRoles]future.Waker // protected by mu
	op     int                  // protected by mu
	buf    []byte               // the goroutine's buffer for op; protected by mu
	off    int                  // bytes of buf written so far (opWrite); loop only
	busy   bool                 // the loop is doing I/O on buf outside mu
	n      int                  // the answer to op; protected by mu
	err    error                // the answer to op, or the handshake's result; protected by mu
	closed error                // set once: every operation fails with it; protected by mu
	reply  chan struct{}        // the goroutine waits here for its answer
	reg    *netpoll.Registration
}

func newExchange() *exchange { return &exchange{reply: make(chan struct{}, 1)} }

// do is the goroutine's side: post op on p and wait for the answer.
func (h *exchange) do(op int, p []byte) (int, error) {
	h.mu.Lock()
	if h.closed != nil {
		h.mu.Unlock()
		return 0, h.closed
	}
	h.op, h.buf, h.n, h.err = op, p, 0, nil
	ws := h.takeWakers()
	h.mu.Unlock()
	wakeAll(ws)
	<-h.reply
	h.mu.Lock()
	n, err := h.n, h.err
	h.mu.Unlock()
	return n, err
}

// finish is the goroutine's last word.
func (h *exchange) finish(err error) {
	h.mu.Lock()
	h.op, h.buf, h.err = opDone, nil, err
	ws := h.takeWakers()
	h.mu.Unlock()
	wakeAll(ws)
}

// answer ends the goroutine's wait, with mu held.
func (h *exchange) answer(n int, err error) {
	h.op, h.buf, h.off, h.n, h.err = opNone, nil, 0, n, err
	h.reply <- struct{}{}
}

// Close fails the goroutine's operation under way and every later one with
// errStopped, so its handshake fails and the goroutine ends; it does not
// wait for it. The loop's Close calls it (the exchange is tracked by the
// loop) for a handshake still running when the loop shuts down.
func (h *exchange) Close() error { h.stop(errStopped); return nil }

// stop is Close with the reason the handshake fails with: the goroutine's
// pending operation is answered with err unless the loop is doing its I/O
// right now (busy), in which case the loop answers it when done.
func (h *exchange) stop(err error) {
	h.mu.Lock()
	if h.closed == nil {
		h.closed = err
		if (h.op == opRead || h.op == opWrite) && !h.busy {
			h.answer(0, err)
		}
	}
	ws := h.takeWakers()
	reg := h.reg
	h.reg = nil
	h.mu.Unlock()
	if reg != nil {
		reg.Close()
	}
	wakeAll(ws)
}

func (h *exchange) takeWakers() [nRoles]future.Waker {
	ws := h.wakers
	h.wakers = [nRoles]future.Waker{}
	return ws
}

func wakeAll(ws [nRoles]future.Waker) {
	for _, w := range ws {
		if w != nil {
			w.Wake()
		}
	}
}

// errStopped is the error of the goroutine's I/O once the handshake is
// stopped; the handshake's own error is then the reason it was stopped.
var errStopped = errors.New("tlsio: handshake stopped")

// ErrHandshakeAbandoned is the error of a Stream whose handshake future was
// abandoned (future.Abandoner) while the handshake ran: the handshake was
// stopped, and the stream cannot be used.
var ErrHandshakeAbandoned = errors.New("tlsio: handshake abandoned")

// pollHandshake drives the handshake for the task of role r: it starts the
// goroutine on the first poll, serves its reads and writes, and answers
// ready once the handshake is over.
func (s *Stream) pollHandshake(cx *future.Context, r int) future.Poll[struct{}] {
	switch {
	case s.hsDone:
		return future.Fail[struct{}](s.hsErr)
	case s.hs.Load() == nil:
		s.startHandshake(cx)
	}
	h := s.hs.Load()
	h.mu.Lock()
	h.wakers[r] = cx.Waker()
	for {
		switch {
		case h.op == opDone:
			err := h.err
			if h.closed != nil {
				err = h.closed // why it was stopped
			}
			reg := h.reg
			h.reg = nil
			ws := h.takeWakers()
			h.mu.Unlock()
			if reg != nil {
				reg.Close()
			}
			s.endHandshake(err)
			wakeAll(ws) // the other roles' tasks see the end too
			return future.Fail[struct{}](s.hsErr)
		case h.closed != nil && h.op == opNone:
			// Stopped: the goroutine is failing its handshake; wait for
			// its last word.
			h.mu.Unlock()
			return future.Pending[struct{}]()
		case h.op == opRead:
			buf := h.buf
			h.busy = true
			h.mu.Unlock()
			p := s.conn.PollRead(cx, buf)
			h.mu.Lock()
			h.busy = false
			if h.closed != nil {
				h.answer(0, h.closed)
				continue
			}
			if p.IsPending() {
				h.mu.Unlock()
				return future.Pending[struct{}]()
			}
			h.answer(p.Result())
		case h.op == opWrite:
			buf := h.buf[h.off:]
			h.busy = true
			h.mu.Unlock()
			p := s.conn.PollWrite(cx, buf)
			h.mu.Lock()
			h.busy = false
			switch {
			case h.closed != nil:
				h.answer(0, h.closed)
			case p.IsPending():
				h.mu.Unlock()
				return future.Pending[struct{}]()
			case p.Err() != nil:
				h.answer(h.off+p.Value(), p.Err())
			case p.Value() == 0 && len(buf) > 0:
				h.answer(h.off, errWriteZero)
			default:
				h.off += p.Value()
				if h.off == len(h.buf) {
					h.answer(h.off, nil)
				}
			}
		default:
			// The goroutine computes; it wakes us with its next operation.
			h.mu.Unlock()
			return future.Pending[struct{}]()
		}
	}
}

// errWriteZero reports a stream below that accepted no bytes and no error.
var errWriteZero = errors.New("tlsio: writer accepted 0 bytes")

// startHandshake starts the handshake goroutine. The loop polling it, if
// there is one, tracks it, so that the loop's Close stops a handshake still
// under way; a stream polled with no driver runs its handshake untracked.
func (s *Stream) startHandshake(cx *future.Context) {
	h := newExchange()
	if r, err := netpoll.RegistryOf(cx); err == nil {
		h.reg = r.TrackCloser(h)
	}
	s.hs.Store(h)
	tc := s.tc
	go func() { h.finish(tc.Handshake()) }()
}

// handshakeFuture is the future of Stream.Handshake.
type handshakeFuture struct {
	s    *Stream
	done bool
}

func (f *handshakeFuture) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.done {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	p := f.s.pollRole(cx, roleHandshake)
	f.done = p.IsReady()
	return p
}

// Abandon stops the handshake if it is still under way (future.Abandoner):
// its goroutine ends, and the stream fails with ErrHandshakeAbandoned.
func (f *handshakeFuture) Abandon() {
	if f.done {
		return
	}
	f.done = true
	if h := f.s.hs.Load(); h != nil && !f.s.hsDone {
		h.stop(ErrHandshakeAbandoned)
	}
}
