package rx

import (
	"errors"
	"fmt"
)

// ErrAlreadyObserved is the error item an Observable made by [ToObservable]
// emits to every observer after the first: a stream is read once, so it can
// feed only one subscription.
var ErrAlreadyObserved = errors.New("rx: stream already observed; a stream feeds one subscription")

// ErrTaskDropped is the error item an Observable made by [ToObservable] emits
// when the task forwarding its stream was dropped without finishing: its loop
// was closed and cancelled it. The garbage collector notices the dropped task,
// so the item can come late; an observer that does not want to wait cancels
// its context.
var ErrTaskDropped = errors.New("rx: the stream's task was dropped by its loop before the stream ended")

// ErrNilLoop is the error item an Observable made by [ToObservable] with a nil
// loop emits when observed.
var ErrNilLoop = errors.New("rx: ToObservable needs a loop to drive the stream, got nil")

// TypeError is the item error of a stream made by [FromObservable] when the
// Observable emits a value that is not of the stream's type.
type TypeError struct {
	Value any    // the value the Observable emitted
	Want  string // the stream's item type, as %T prints it
}

// Error says what was emitted and what the stream wanted.
func (e *TypeError) Error() string {
	return fmt.Sprintf("rx: observable emitted %T (%v), want %s", e.Value, e.Value, e.Want)
}
