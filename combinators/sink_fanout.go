package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// SinkFanout returns a sink that sends each item to both a and b (futures 0.1's
// fanout). It is ready when both are ready, so an item is handed to both or
// to neither; a slow one holds the other back. Flush and close go to both,
// and complete when both have. The first error of either is the SinkFanout's
// error.
func SinkFanout[T any](a, b stream.Sink[T]) stream.Sink[T] {
	return &sinkFanout[T]{a: a, b: b}
}

type sinkFanout[T any] struct {
	a, b stream.Sink[T]
}

// sinkBoth polls a and b with poll, both even when a is pending so that each
// makes progress, and answers ready when both are; an error wins.
func sinkBoth[T any](cx *future.Context, a, b stream.Sink[T], poll func(stream.Sink[T], *future.Context) future.Poll[struct{}]) future.Poll[struct{}] {
	p := poll(a, cx)
	if p.Err() != nil {
		return p
	}
	q := poll(b, cx)
	if q.Err() != nil || p.IsReady() {
		return q
	}
	return p
}

func (f *sinkFanout[T]) PollReady(cx *future.Context) future.Poll[struct{}] {
	return sinkBoth(cx, f.a, f.b, stream.Sink[T].PollReady)
}

func (f *sinkFanout[T]) StartSend(item T) error {
	if err := f.a.StartSend(item); err != nil {
		return err
	}
	return f.b.StartSend(item)
}

func (f *sinkFanout[T]) PollFlush(cx *future.Context) future.Poll[struct{}] {
	return sinkBoth(cx, f.a, f.b, stream.Sink[T].PollFlush)
}

func (f *sinkFanout[T]) PollClose(cx *future.Context) future.Poll[struct{}] {
	return sinkBoth(cx, f.a, f.b, stream.Sink[T].PollClose)
}

// Abandon passes abandonment down to the sink it wraps (future.Abandoner),
// which gives up what it reserved for a send in progress. A sink is a handle:
// both stay usable.
func (f *sinkFanout[T]) Abandon() {
	future.Abandon(f.a)
	future.Abandon(f.b)
}
