package stream

import "github.com/eddyio/eddy/future"

// Sink is the poll-based receiving end of values, the mirror of [Stream]: a
// channel's sender, a framed writer, a buffer.
//
// Sending one item takes two steps so that no item is ever refused and lost:
// PollReady answers ready when the sink can accept one item (pending, with the
// waker registered, while it is full), and only then StartSend hands the item
// over. PollFlush answers ready once every item accepted so far has been
// delivered; PollClose flushes and then closes the sink. A ready error from
// any of them means the sink has failed.
type Sink[T any] interface {
	PollReady(cx *future.Context) future.Poll[struct{}]
	StartSend(item T) error
	PollFlush(cx *future.Context) future.Poll[struct{}]
	PollClose(cx *future.Context) future.Poll[struct{}]
}
