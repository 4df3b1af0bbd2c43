package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// SinkFlush returns a future that completes once sink has delivered every item
// it accepted (its PollFlush is ready), or fails with the sink's error. It is
// lazy.
func SinkFlush[T any](sink stream.Sink[T]) future.Future[struct{}] {
	return &sinkFlush[T]{sink: sink, poll: stream.Sink[T].PollFlush}
}

// sinkFlush polls one of the sink's flush or close until ready.
type sinkFlush[T any] struct {
	sink stream.Sink[T] // nil once complete
	poll func(stream.Sink[T], *future.Context) future.Poll[struct{}]
}

func (f *sinkFlush[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.sink == nil {
		return polledAfter[struct{}]()
	}
	p := f.poll(f.sink, cx)
	if p.IsReady() {
		f.sink, f.poll = nil, nil
	}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (f *sinkFlush[T]) Abandon() {
	abandon(&f.sink)
}
