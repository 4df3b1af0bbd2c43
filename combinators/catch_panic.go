package combinators

import (
	"reflect"
	"runtime/debug"

	"github.com/eddyio/eddy/future"
)

// CatchPanic returns a future that completes as f does, except that a panic
// raised while polling f is recovered and becomes a *[future.PanicError]
// naming f's type, with the panic value and the stack: the future
// fails with it and f, which is in an unknown state, is dropped and not
// polled again. A panic is a bug; CatchPanic turns one into an error that can
// be logged and survived (one request of a server, say) instead of ending the
// task. CatchPanic is lazy.
func CatchPanic[T any](f future.Future[T]) future.Future[T] {
	return &catchPanic[T]{f: f}
}

type catchPanic[T any] struct {
	f future.Future[T] // nil once complete
}

func (c *catchPanic[T]) Poll(cx *future.Context) (p future.Poll[T]) {
	if c.f == nil {
		return polledAfter[T]()
	}
	defer func() {
		if r := recover(); r != nil {
			pe := &future.PanicError{Future: reflect.TypeOf(c.f).String(), Value: r, Stack: debug.Stack()}
			c.f = nil
			p = future.Fail[T](pe)
		}
	}()
	p = c.f.Poll(cx)
	if p.IsReady() {
		c.f = nil
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (c *catchPanic[T]) Abandon() {
	abandon(&c.f)
}
