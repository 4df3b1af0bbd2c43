package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Forward returns a future that sends every value of s into sink, in order,
// and, once s has ended, flushes and closes the sink; it completes when the
// sink has closed (futures 0.1's forward). Each value waits for the sink to
// be ready, so a slow sink holds s back and no value is lost.
//
// The first error ends it: an item error of s (the sink is then neither
// flushed nor closed, and stays the caller's to close), or an error of the
// sink. When s is pending, the sink is flushed meanwhile, so that what was
// sent does not sit in a buffer while the pipeline waits. Forward spends the
// task's budget on each value. It is lazy. [SinkSendAll] is the same.
func Forward[T any](s stream.Stream[T], sink stream.Sink[T]) future.Future[struct{}] {
	return &sForward[T]{s: s, sink: sink}
}

type sForward[T any] struct {
	s       stream.Stream[T] // nil once s ended
	sink    stream.Sink[T]   // nil once complete
	item    T
	held    bool // item is waiting for the sink to be ready
	flushed bool // nothing was sent since the last flush completed
}

func (f *sForward[T]) Poll(cx *future.Context) future.Poll[struct{}] {
	if f.sink == nil {
		return polledAfter[struct{}]()
	}
	for f.s != nil {
		if f.held {
			if p := f.sink.PollReady(cx); p.IsPending() {
				return p
			} else if p.Err() != nil {
				return f.finish(p.Err())
			}
			if err := f.sink.StartSend(f.item); err != nil {
				return f.finish(err)
			}
			var zero T
			f.item, f.held, f.flushed = zero, false, false
		}
		if !cx.SpendBudget() {
			return yield[struct{}](cx)
		}
		p := f.s.PollNext(cx)
		switch {
		case p.IsPending():
			if !f.flushed {
				q := f.sink.PollFlush(cx)
				if q.Err() != nil {
					return f.finish(q.Err())
				}
				f.flushed = q.IsReady()
			}
			return future.Pending[struct{}]()
		case p.IsEnd():
			f.s = nil
		case p.Err() != nil:
			return f.finish(p.Err())
		default:
			f.item, f.held = p.Value(), true
		}
	}
	p := f.sink.PollClose(cx)
	if p.IsPending() {
		return p
	}
	return f.finish(p.Err())
}

func (f *sForward[T]) finish(err error) future.Poll[struct{}] {
	abandon(&f.s) // ended, or given up after an error; the sink is the caller's
	*f = sForward[T]{}
	return future.Result(struct{}{}, err)
}

// Abandon abandons the stream and tells the sink (future.Abandoner), which
// gives up what it reserved for the send in progress; the sink stays usable.
func (f *sForward[T]) Abandon() {
	abandon(&f.s)
	abandon(&f.sink)
}
