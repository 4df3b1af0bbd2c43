package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// SinkClose returns a future that flushes and closes sink (its PollClose is
// ready), or fails with the sink's error. It is lazy.
func SinkClose[T any](sink stream.Sink[T]) future.Future[struct{}] {
	return &sinkFlush[T]{sink: sink, poll: stream.Sink[T].PollClose}
}
