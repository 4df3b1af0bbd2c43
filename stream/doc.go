// Package stream defines [Stream], a lazy, poll-based sequence of values that
// arrive over time, and [Sink], the poll-based place values are sent to.
//
// A stream is polled with [Stream.PollNext], which answers with a [Poll]: an
// item (a value), an item error, the end of the stream, or pending. An item
// error is not the end: a stream of accepted connections reports a failed
// accept as an item error and goes on accepting. Pending follows the wake-up
// rule of package future: the stream has handed cx.Waker() to whatever will
// produce the next item.
//
// Like futures, streams are inert: building one reads, accepts and registers
// nothing. The leaf streams here (FromSlice, FromSeq, Once, Empty, Unfold,
// PollFn) are the sources of the algebra in package combinators.
package stream
