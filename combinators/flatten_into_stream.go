package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// FlattenIntoStream returns a stream that runs f, whose value is a stream, and
// then yields the items of that stream (a connect future that yields a stream
// of messages, say). If f fails, the stream yields that error as one item
// error and then ends; a nil stream is [ErrNilFuture] likewise. The inner
// stream is polled in the same poll in which f completes. FlattenIntoStream is
// lazy.
func FlattenIntoStream[T any](f future.Future[stream.Stream[T]]) stream.Stream[T] {
	return &flattenIntoStream[T]{f: f}
}

type flattenIntoStream[T any] struct {
	f future.Future[stream.Stream[T]] // nil once it completed
	s stream.Stream[T]                // nil until f completed, and once ended
}

func (fs *flattenIntoStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	if fs.f != nil {
		p := fs.f.Poll(cx)
		if p.IsPending() {
			return stream.Pending[T]()
		}
		fs.f, fs.s = nil, p.Value()
		if err := p.Err(); err != nil || fs.s == nil {
			fs.s = nil
			return stream.Fail[T](orNilFuture(err))
		}
	}
	if fs.s == nil {
		return stream.End[T]()
	}
	p := fs.s.PollNext(cx)
	if p.IsEnd() {
		fs.s = nil
	}
	return p
}

// orNilFuture returns err, or ErrNilFuture when err is nil.
func orNilFuture(err error) error {
	if err == nil {
		return ErrNilFuture
	}
	return err
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (fs *flattenIntoStream[T]) Abandon() {
	abandon(&fs.f)
	abandon(&fs.s)
}
