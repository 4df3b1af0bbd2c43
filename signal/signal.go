// Package signal turns the process's signals into eddy streams and
// futures, after tokio-signal: [Stream] is the stream of the chosen
// signals (SIGINT, SIGTERM, SIGHUP, ...), [First] the future of the first
// of them and [CtrlC] that of SIGINT, each usable in a Select with a
// server's future to shut it down cleanly.
//
// They are built on os/signal.Notify, which they call on their first poll
// (building them changes nothing in the process) and undo when they end,
// are closed or are abandoned. While one is active, the signals it asked
// for no longer have their default effect (SIGINT no longer kills the
// process), as with os/signal.
package signal

import (
	"errors"
	"os"
	ossignal "os/signal"
	"sync"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/stream"
)

// Buffer is the number of signals a [Signals] stream keeps while its task
// has not taken them; a signal that arrives while it is full is dropped, as
// the kernel merges a signal that is already pending.
const Buffer = 16

// Signals is the stream of [Stream]: each item is a signal the process
// received. It ends after Close.
type Signals struct {
	sigs []os.Signal

	mu      sync.Mutex // guards the fields below, shared with the bridge goroutine
	started bool
	closed  bool
	queue   []os.Signal
	waker   future.Waker
	ch      chan os.Signal
	stop    chan struct{}
	wg      sync.WaitGroup
	reg     *netpoll.Registration
}

// Stream returns the lazy stream of the given signals, or of every signal
// when none is given (as os/signal.Notify). On its first poll it starts
// relaying them to the polling task through a channel and a goroutine that
// wakes the task; Close (or the loop's Close, or abandoning it) stops the
// relay and the goroutine.
func Stream(sigs ...os.Signal) *Signals {
	return &Signals{sigs: sigs}
}

// PollNext answers the next signal received, pending until one arrives, or
// the end once the stream is closed.
func (s *Signals) PollNext(cx *future.Context) stream.Poll[os.Signal] {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return stream.End[os.Signal]()
	}
	if !s.started {
		s.started = true
		s.ch = make(chan os.Signal, Buffer)
		s.stop = make(chan struct{})
		ossignal.Notify(s.ch, s.sigs...)
		s.wg.Add(1)
		go s.relay()
		if r, err := netpoll.RegistryOf(cx); err == nil {
			s.reg = r.TrackCloser(s) // the loop's Close closes the stream
		}
	}
	if len(s.queue) > 0 {
		sig := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		return stream.Item(sig)
	}
	s.waker = cx.Waker()
	s.mu.Unlock()
	return stream.Pending[os.Signal]()
}

// relay moves signals from the channel of os/signal to the queue and wakes
// the task.
func (s *Signals) relay() {
	defer s.wg.Done()
	for {
		select {
		case <-s.stop:
			return
		case sig := <-s.ch:
			s.mu.Lock()
			if len(s.queue) < Buffer {
				s.queue = append(s.queue, sig)
			}
			w := s.waker
			s.waker = nil
			s.mu.Unlock()
			if w != nil {
				w.Wake()
			}
		}
	}
}

// Close stops relaying the signals (os/signal.Stop), ends the relay
// goroutine and waits for it, and wakes the task waiting on the stream,
// which then sees its end. It returns nil, and is idempotent.
func (s *Signals) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	started := s.started
	w, reg := s.waker, s.reg
	s.waker, s.reg, s.queue = nil, nil, nil
	s.mu.Unlock()
	if started {
		ossignal.Stop(s.ch)
		close(s.stop)
		s.wg.Wait()
	}
	if reg != nil {
		reg.Close()
	}
	if w != nil {
		w.Wake()
	}
	return nil
}

// Abandon is Close: a stream given up by a combinator stops relaying at once.
func (s *Signals) Abandon() { s.Close() }

// first is the future of First.
type first struct {
	s    *Signals
	done bool
}

// First returns a lazy future that is ready with the first of the given
// signals received after its first poll, and then stops relaying them. It
// is the future to Select with a server's future.
func First(sigs ...os.Signal) future.Future[os.Signal] {
	return &first{s: Stream(sigs...)}
}

func (f *first) Poll(cx *future.Context) future.Poll[os.Signal] {
	if f.done {
		return future.Fail[os.Signal](future.ErrPolledAfterCompletion)
	}
	p := f.s.PollNext(cx)
	switch {
	case p.IsPending():
		return future.Pending[os.Signal]()
	case p.IsEnd():
		f.done = true
		return future.Fail[os.Signal](ErrClosed)
	}
	f.done = true
	f.s.Close()
	return future.Ok(p.Value())
}

// Abandon stops relaying the signals.
func (f *first) Abandon() { f.s.Close() }

// CtrlC returns a lazy future that is ready when the process receives
// SIGINT (os.Interrupt, Ctrl-C at a terminal) after its first poll: First
// of os.Interrupt, with no value.
func CtrlC() future.Future[struct{}] {
	return &ctrlC{first: first{s: Stream(os.Interrupt)}}
}

type ctrlC struct{ first }

func (c *ctrlC) Poll(cx *future.Context) future.Poll[struct{}] {
	p := c.first.Poll(cx)
	if p.IsPending() {
		return future.Pending[struct{}]()
	}
	return future.Result(struct{}{}, p.Err())
}

// ErrClosed is the error of a [First] or [CtrlC] whose signals stopped
// being relayed before one arrived: its loop was closed.
var ErrClosed = errors.New("signal: stream closed before a signal arrived")
