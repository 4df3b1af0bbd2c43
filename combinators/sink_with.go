package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// SinkWith returns a sink of U that hands fn(item) to sink for each item sent
// into it (futures 0.1's Sink::with, with a plain function): an encoder in
// front of a byte sink, say. If fn fails, StartSend returns its error and
// nothing reaches sink. Readiness, flush and close are sink's.
func SinkWith[T, U any](sink stream.Sink[T], fn func(U) (T, error)) stream.Sink[U] {
	return &sinkWith[T, U]{sink: sink, fn: fn}
}

type sinkWith[T, U any] struct {
	sink stream.Sink[T]
	fn   func(U) (T, error)
}

func (w *sinkWith[T, U]) PollReady(cx *future.Context) future.Poll[struct{}] {
	return w.sink.PollReady(cx)
}

func (w *sinkWith[T, U]) StartSend(item U) error {
	v, err := w.fn(item)
	if err != nil {
		return err
	}
	return w.sink.StartSend(v)
}

func (w *sinkWith[T, U]) PollFlush(cx *future.Context) future.Poll[struct{}] {
	return w.sink.PollFlush(cx)
}

func (w *sinkWith[T, U]) PollClose(cx *future.Context) future.Poll[struct{}] {
	return w.sink.PollClose(cx)
}

// Abandon passes abandonment down to the sink it wraps (future.Abandoner),
// which gives up what it reserved for a send in progress. A sink is a handle:
// both stay usable.
func (w *sinkWith[T, U]) Abandon() {
	future.Abandon(w.sink)
}
