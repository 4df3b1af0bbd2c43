package netconn

import (
	"os"
	"sync"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
)

// kick is the channel a blocked call parks on. Its Wake, safe from any
// goroutine, leaves a token if there is room: three things kick a waiter
// (the reactor through the socket's waker, the deadline's timer, Close), and
// a token that arrives while nobody waits only makes the next wait check
// again.
type kick chan struct{}

// Wake leaves a token on the channel.
func (k kick) Wake() {
	select {
	case k <- struct{}{}:
	default:
	}
}

// waiter is one direction of a Conn (or a Listener's accept): the calls in
// that direction take turns, and the one whose turn it is polls the socket
// with a context whose waker is the waiter's kick, and parks on the kick
// while the socket is not ready.
type waiter struct {
	mu sync.Mutex // held by the call whose turn it is
	cx *future.Context
	k  kick

	dmu      sync.Mutex // guards the fields below
	deadline time.Time
	timer    *time.Timer // kicks at the deadline; nil until one is set
	stopped  bool        // the conn is closed: no timer is started again
}

func (w *waiter) init(loop *driver.Loop) {
	w.k = make(kick, 1)
	w.cx = future.NewContext(w.k, loop)
}

// wait parks until the next kick.
func (w *waiter) wait() { <-w.k }

// setDeadline sets the deadline and kicks the call waiting, if any, so that
// it looks at the new deadline at once.
func (w *waiter) setDeadline(t time.Time) {
	w.dmu.Lock()
	if w.stopped {
		w.dmu.Unlock()
		return
	}
	w.deadline = t
	if w.timer != nil {
		w.timer.Stop()
	}
	if d := time.Until(t); !t.IsZero() && d > 0 {
		if w.timer == nil {
			w.timer = time.AfterFunc(d, w.k.Wake)
		} else {
			w.timer.Reset(d)
		}
	}
	w.dmu.Unlock()
	w.k.Wake()
}

// expired reports whether the deadline has passed.
func (w *waiter) expired() error {
	w.dmu.Lock()
	defer w.dmu.Unlock()
	if !w.deadline.IsZero() && !time.Now().Before(w.deadline) {
		return os.ErrDeadlineExceeded
	}
	return nil
}

// stop stops the timer for good and kicks the call waiting.
func (w *waiter) stop() {
	w.dmu.Lock()
	w.stopped = true
	if w.timer != nil {
		w.timer.Stop()
	}
	w.dmu.Unlock()
	w.k.Wake()
}
