package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// SinkMapErr returns a sink that is sink with every error it reports passed
// through fn first (to add context to a write error, say). Pending and
// success pass through without calling fn.
func SinkMapErr[T any](sink stream.Sink[T], fn func(error) error) stream.Sink[T] {
	return &sinkMapErr[T]{sink: sink, fn: fn}
}

type sinkMapErr[T any] struct {
	sink stream.Sink[T]
	fn   func(error) error
}

func (m *sinkMapErr[T]) mapPoll(p future.Poll[struct{}]) future.Poll[struct{}] {
	if p.Err() != nil {
		return future.Fail[struct{}](m.fn(p.Err()))
	}
	return p
}

func (m *sinkMapErr[T]) PollReady(cx *future.Context) future.Poll[struct{}] {
	return m.mapPoll(m.sink.PollReady(cx))
}

func (m *sinkMapErr[T]) StartSend(item T) error {
	if err := m.sink.StartSend(item); err != nil {
		return m.fn(err)
	}
	return nil
}

func (m *sinkMapErr[T]) PollFlush(cx *future.Context) future.Poll[struct{}] {
	return m.mapPoll(m.sink.PollFlush(cx))
}

func (m *sinkMapErr[T]) PollClose(cx *future.Context) future.Poll[struct{}] {
	return m.mapPoll(m.sink.PollClose(cx))
}

// Abandon passes abandonment down to the sink it wraps (future.Abandoner),
// which gives up what it reserved for a send in progress. A sink is a handle:
// both stay usable.
func (m *sinkMapErr[T]) Abandon() {
	future.Abandon(m.sink)
}
