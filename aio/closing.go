package aio

import (
	"errors"
	"io"
	"net"

	"github.com/eddyio/eddy/future"
)

// closing closes a resource once its future is done.
type closing[T any] struct {
	c    io.Closer
	f    future.Future[T]
	done bool
}

// Closing returns a future that polls f and closes c as soon as f is done,
// whatever its outcome; it is ready with f's value and error, or, if f
// succeeded and Close failed (other than with net.ErrClosed, which means
// the pipeline closed c itself), with the error of Close. If polling f
// panics, c is closed before the panic goes on up to the driver, which ends
// the task. It is the shape that makes closing the default, as dropping
// does in Rust: a connection handler written as
//
//	aio.Closing(conn, handle(conn))
//
// cannot leak its connection whichever way it ends. Abandoned
// (future.Abandon: a task cancelled by the driver's shutdown, the loser of a
// select, a member of an abandoned task set), it abandons f and closes c at
// once.
func Closing[T any](c io.Closer, f future.Future[T]) future.Future[T] {
	return &closing[T]{c: c, f: f}
}

func (cl *closing[T]) Poll(cx *future.Context) (p future.Poll[T]) {
	if cl.done {
		return future.Fail[T](future.ErrPolledAfterCompletion)
	}
	finished := false
	defer func() {
		if !finished {
			cl.finish() // f panicked: close, and let the panic go on
		}
	}()
	p = cl.f.Poll(cx)
	finished = true
	if p.IsPending() {
		return p
	}
	err := cl.finish()
	if p.Err() == nil && err != nil && !errors.Is(err, net.ErrClosed) {
		return future.Result(p.Value(), err)
	}
	return p
}

func (cl *closing[T]) finish() error {
	cl.done = true
	cl.f = nil
	return cl.c.Close()
}

// Abandon is the drop (future.Abandoner): f is abandoned and c closed, as if
// f had finished. A Closing that is given up (a task cancelled at shutdown,
// the loser of a select, a member of an abandoned task set) closes what it
// owns at once.
func (cl *closing[T]) Abandon() {
	if cl.done {
		return
	}
	f := cl.f
	cl.f = nil
	future.Abandon(f)
	_ = cl.finish()
}
