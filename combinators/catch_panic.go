package combinators

import (
	"fmt"
	"runtime/debug"

	"github.com/eddyio/eddy/future"
)

// PanicError is the error [CatchPanic] completes with when polling its future
// panicked. It carries the value passed to panic and the stack of the
// goroutine at the time. When that value is itself an error, PanicError
// unwraps to it, so errors.Is and errors.As see through.
type PanicError struct {
	Value any    // the value passed to panic
	Stack []byte // the stack trace, as runtime/debug.Stack formats it
}

// Error returns "combinators: panic: " followed by the panic value.
func (e *PanicError) Error() string { return fmt.Sprintf("combinators: panic: %v", e.Value) }

// Unwrap returns the panic value if it is an error, and nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// CatchPanic returns a future that completes as f does, except that a panic
// raised while polling f is recovered and becomes a [*PanicError]: the future
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
			c.f = nil
			p = future.Fail[T](&PanicError{Value: r, Stack: debug.Stack()})
		}
	}()
	p = c.f.Poll(cx)
	if p.IsReady() {
		c.f = nil
	}
	return p
}
