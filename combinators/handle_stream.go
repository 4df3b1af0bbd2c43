package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// HandleStream returns a stream that, for each item of s, value or item error,
// runs the future fn(v, err) to completion and yields its result: its value as
// an item, its error as an item error (futures 0.1's Stream::then).
//
// It is sequential: s is not polled while a future from fn is pending, and
// results come in the order of s. No error ends it; it ends when s ends. A nil
// future from fn yields [ErrNilFuture] as an item error. HandleStream is lazy.
func HandleStream[T, U any](s stream.Stream[T], fn func(T, error) future.Future[U]) stream.Stream[U] {
	return &handleStream[T, U]{s: s, fn: func(p stream.Poll[T]) future.Future[U] { return fn(p.Result()) }}
}

// handleStream runs the future fn(item) per item of s and yields its result;
// it is the engine of HandleStream, AndThenStream and OrElseStream. pass, when
// set, lets items through unchanged: those for which it reports true.
type handleStream[T, U any] struct {
	s    stream.Stream[T] // nil once ended
	fn   func(stream.Poll[T]) future.Future[U]
	pass func(stream.Poll[T]) (stream.Poll[U], bool) // nil: every item runs fn
	cur  future.Future[U]
}

func (t *handleStream[T, U]) PollNext(cx *future.Context) stream.Poll[U] {
	for {
		if t.cur != nil {
			p := t.cur.Poll(cx)
			if p.IsPending() {
				return stream.Pending[U]()
			}
			t.cur = nil
			if p.Err() != nil {
				return stream.Fail[U](p.Err())
			}
			return stream.Item(p.Value())
		}
		if t.s == nil {
			return stream.End[U]()
		}
		p := t.s.PollNext(cx)
		switch {
		case p.IsPending():
			return stream.Pending[U]()
		case p.IsEnd():
			t.s, t.fn, t.pass = nil, nil, nil
			return stream.End[U]()
		}
		if t.pass != nil {
			if q, ok := t.pass(p); ok {
				return q
			}
		}
		if t.cur = t.fn(p); t.cur == nil {
			return stream.Fail[U](ErrNilFuture)
		}
	}
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (t *handleStream[T, U]) Abandon() {
	abandon(&t.s)
	abandon(&t.cur)
}
