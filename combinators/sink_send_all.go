package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// SinkSendAll returns a future that sends every value of s into sink, in order,
// then flushes and closes the sink, and completes when it has closed. It is
// [Forward] with the sink first; see there for errors, flushing and
// fairness. SinkSendAll is lazy.
func SinkSendAll[T any](sink stream.Sink[T], s stream.Stream[T]) future.Future[struct{}] {
	return Forward(s, sink)
}
