package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// UnfoldAsync returns a stream that starts from state init and, for each
// item, calls fn(state) and runs the future it returns to completion: its
// value holds the item (First) and the next state (Second). It is futures
// 0.1's unfold, with a future per step: a paginated fetch, say.
//
// fn reports false to end the stream instead. If a step's future fails, the
// stream yields that error as an item error and then ends, since the next
// state is lost with it; a nil future from fn is [ErrNilFuture] likewise.
// Steps are sequential: fn is called for the next step only when the stream
// is polled after the previous item was yielded. UnfoldAsync is lazy: fn is
// first called on the first poll.
func UnfoldAsync[S, T any](init S, fn func(S) (future.Future[Pair[T, S]], bool)) stream.Stream[T] {
	return &sUnfoldAsync[S, T]{state: init, fn: fn}
}

type sUnfoldAsync[S, T any] struct {
	state S
	fn    func(S) (future.Future[Pair[T, S]], bool) // nil once ended
	cur   future.Future[Pair[T, S]]
}

func (u *sUnfoldAsync[S, T]) PollNext(cx *future.Context) stream.Poll[T] {
	if u.fn == nil {
		return stream.End[T]()
	}
	if u.cur == nil {
		f, ok := u.fn(u.state)
		if !ok {
			return u.end(stream.End[T]())
		}
		if f == nil {
			return u.end(stream.Fail[T](ErrNilFuture))
		}
		u.cur = f
	}
	p := u.cur.Poll(cx)
	switch {
	case p.IsPending():
		return stream.Pending[T]()
	case p.Err() != nil:
		return u.end(stream.Fail[T](p.Err()))
	}
	u.cur = nil
	u.state = p.Value().Second
	return stream.Item(p.Value().First)
}

func (u *sUnfoldAsync[S, T]) end(p stream.Poll[T]) stream.Poll[T] {
	abandon(&u.cur)
	*u = sUnfoldAsync[S, T]{}
	return p
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (u *sUnfoldAsync[S, T]) Abandon() {
	abandon(&u.cur)
	u.fn = nil
}
