package listener

import (
	"errors"
	"syscall"
	"time"

	"github.com/eddyio/eddy/combinators"
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

// KeepAccepting returns a stream of the values of s with its item errors
// dropped, so that a server built on it keeps serving whatever accept
// fails (log the errors first with combinators.MapErrStream or
// combinators.InspectErr). After an error that says the process or system
// ran out of something (EMFILE, ENFILE, ENOBUFS, ENOMEM) it stops polling s
// for a pause, 5 ms doubling up to 1 s, instead of retrying in a busy loop:
// the connection that could not be accepted is still waiting in the
// backlog. A successful accept resets the pause.
//
// It is [combinators.DropErrors] over s with that back-off; for a stream
// that is not a listener's, DropErrors alone drops item errors.
func KeepAccepting[T any](s stream.Stream[T]) stream.Stream[T] {
	return combinators.DropErrors(&backoff[T]{s: s})
}

// backoff passes the items of s through and, after an item error that says
// resources ran out, pauses before polling s again.
type backoff[T any] struct {
	s       stream.Stream[T]
	pause   future.Future[struct{}]
	backoff time.Duration
}

func (b *backoff[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if b.pause != nil {
		p := b.pause.Poll(cx)
		if p.IsPending() {
			return stream.Pending[T]()
		}
		b.pause = nil
		if err := p.Err(); err != nil {
			return stream.Fail[T](err) // no timer (no driver): dropped like the rest
		}
	}
	p := b.s.PollNext(cx)
	if p.IsPending() || p.IsEnd() {
		return p
	}
	if err := p.Err(); err == nil {
		b.backoff = 0
	} else if exhausted(err) {
		b.backoff = min(max(2*b.backoff, MinBackoff), MaxBackoff)
		b.pause = driver.Sleep(b.backoff)
	}
	return p
}

func exhausted(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Abandon tells the accept stream and a back-off pause in progress that
// they are given up (contract 11): the pause's timer leaves the wheel at
// once.
func (b *backoff[T]) Abandon() {
	if b.pause != nil {
		future.Abandon(b.pause)
		b.pause = nil
	}
	future.Abandon(b.s)
}
