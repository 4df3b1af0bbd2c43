package channel

import "errors"

// ErrClosed is the error of a send when the other side is gone (the receiver
// was closed, or the sender itself was closed), and of a receive when the
// channel has ended.
var ErrClosed = errors.New("channel: closed")

// ErrFull is the error of a TrySend on a bounded channel with no free slot.
var ErrFull = errors.New("channel: full")

// ErrEmpty is the error of a TryRecv when no value is waiting yet.
var ErrEmpty = errors.New("channel: empty")

// ErrCanceled is the error of a oneshot receiver whose sender was closed
// without sending a value.
var ErrCanceled = errors.New("channel: sender closed without sending")

// ErrLagged is matched (with errors.Is) by the [*LaggedError] of a
// broadcast receiver that fell behind and missed values.
var ErrLagged = errors.New("channel: receiver lagged")
