package future

import (
	"errors"
	"fmt"
)

// ErrPolledAfterCompletion is the error a future of this module answers with
// when it is polled again after it has already answered ready.
var ErrPolledAfterCompletion = errors.New("future: polled after completion")

// ErrNoDriver is the error of a future that needs a driver loop (I/O on a
// socket or a listener, a timer, a spawn) and was polled with a context that
// has no executor, outside any driver: run it with driver.Run or
// driver.BlockOn, or spawn it on a driver.Loop. Errors that report it wrap
// it, so errors.Is(err, future.ErrNoDriver) holds for them.
var ErrNoDriver = errors.New("future: polled outside a driver: run the future with driver.Run or driver.BlockOn, or spawn it on a driver.Loop")

// PanicError is the error of a future (or stream) whose poll panicked, once
// the panic was recovered: the driver recovers a panic in a task, ends only
// that task and reports a *PanicError; combinators.CatchPanic turns a panic
// into one; an rx Observable emits one as its error item. It is one type
// across the module, so one errors.As finds a panic whoever recovered it.
//
// When the panic value is itself an error, PanicError unwraps to it, so
// errors.Is and errors.As see through.
type PanicError struct {
	Future string // the type of the future or stream whose poll panicked (for the driver, the task's future)
	Value  any    // the value passed to panic
	Stack  []byte // the goroutine's stack at the panic, as runtime/debug.Stack formats it
}

// Error says which future panicked and with what value.
func (e *PanicError) Error() string {
	if e.Future == "" {
		return fmt.Sprintf("future: panic: %v", e.Value)
	}
	return fmt.Sprintf("future: %s panicked: %v", e.Future, e.Value)
}

// Unwrap returns the panic value when it is an error, and nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
