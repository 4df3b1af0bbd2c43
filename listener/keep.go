package listener

import (
	"errors"
	"syscall"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Backoff bounds of KeepAccepting: the first pause after a resource error,
// doubled on each further one up to the maximum, as net/http's server does.
const (
	MinBackoff = 5 * time.Millisecond
	MaxBackoff = time.Second
)

// keepAccepting drops item errors and pauses after resource exhaustion.
type keepAccepting[T any] struct {
	s       stream.Stream[T]
	pause   future.Future[struct{}]
	backoff time.Duration
}

// KeepAccepting returns a stream of the values of s with its item errors
// dropped, so that a server built on it keeps serving whatever accept
// fails (log the errors first with combinators.MapErrStream or
// InspectErr). After an error that says the process or system ran out of
// something (EMFILE, ENFILE, ENOBUFS, ENOMEM) it stops polling s for a
// pause, 5 ms doubling up to 1 s, instead of retrying in a busy loop: the
// connection that could not be accepted is still waiting in the backlog.
// A successful accept resets the pause.
func KeepAccepting[T any](s stream.Stream[T]) stream.Stream[T] {
	return &keepAccepting[T]{s: s}
}

func (k *keepAccepting[T]) PollNext(cx *future.Context) stream.Poll[T] {
	for {
		if k.pause != nil {
			p := k.pause.Poll(cx)
			if p.IsPending() {
				return stream.Pending[T]()
			}
			k.pause = nil
			if err := p.Err(); err != nil {
				return stream.Fail[T](err) // no timer: no driver polls us
			}
		}
		p := k.s.PollNext(cx)
		if p.IsPending() || p.IsEnd() {
			return p
		}
		err := p.Err()
		if err == nil {
			k.backoff = 0
			return p
		}
		if exhausted(err) {
			k.backoff = min(max(2*k.backoff, MinBackoff), MaxBackoff)
			k.pause = driver.Sleep(k.backoff)
		}
		if !cx.SpendBudget() {
			cx.Waker().Wake()
			return stream.Pending[T]()
		}
	}
}

func exhausted(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
