package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// SinkSend returns a future that sends item into sink and flushes it: it waits
// until the sink is ready, hands the item over, and completes once the sink
// has flushed (futures 0.1's send). An error of the sink ends it with that
// error. SinkSend is lazy: nothing is sent before the first poll.
func SinkSend[T any](sink stream.Sink[T], item T) future.Future[struct{}] {
	return &sinkSend[T]{sink: sink, item: item, held: true}
}

type sinkSend[T any] struct {
	sink stream.Sink[T] // nil once complete
	item T
	held bool // item not handed over yet
}

func (s *sinkSend[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	if s.sink == nil {
		return polledAfter[struct{}]()
	}
	if s.held {
		p := s.sink.PollReady(cx)
		if p.IsPending() {
			return p
		}
		if p.Err() != nil {
			return s.finish(p.Err())
		}
		if err := s.sink.StartSend(s.item); err != nil {
			return s.finish(err)
		}
		var zero T
		s.item, s.held = zero, false
	}
	p := s.sink.PollFlush(cx)
	if p.IsPending() {
		return p
	}
	return s.finish(p.Err())
}

func (s *sinkSend[T]) finish(err error) future.Poll[struct{}] {
	*s = sinkSend[T]{}
	return future.Result(struct{}{}, err)
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (s *sinkSend[T]) Abandon() {
	abandon(&s.sink)
}
