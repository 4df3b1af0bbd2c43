package main

import (
	"errors"

	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// answer returns the stream of the answers to the frames of in: handle's
// answer to each frame, and fail's to a decoding error (when it gives one;
// otherwise the error goes on as an item error). It ends right after an
// answer that closes the connection (handle's second result, or any
// answer of fail), without reading further, and quietly when the input
// ends in the middle of a frame (codec.ErrTrailingBytes: the peer went away
// mid-request). Forwarded into a framed sink, it is the whole connection:
//
//	combinators.Forward(answer(rd, h.serve, h.refuse), wr)
//
// Forward writes the answers out whenever the input has nothing more to
// give, so pipelined requests are answered with as few writes as they
// arrived in, and closes the sink (a FIN) when this stream ends.
func answer[In, Out any](in stream.Stream[In], handle func(In) (Out, bool), fail func(error) (Out, bool)) stream.Stream[Out] {
	return &answers[In, Out]{in: in, handle: handle, fail: fail}
}

type answers[In, Out any] struct {
	in     stream.Stream[In]
	handle func(In) (Out, bool)
	fail   func(error) (Out, bool)
	last   bool // the answer given last closes the connection
}

func (a *answers[In, Out]) PollNext(cx *future.Context) stream.Poll[Out] {
	if a.last {
		return stream.End[Out]()
	}
	p := a.in.PollNext(cx)
	if p.IsPending() {
		return stream.Pending[Out]()
	}
	if p.IsEnd() {
		a.last = true
		return stream.End[Out]()
	}
	frame, err := p.Result()
	if err != nil {
		a.last = true
		if errors.Is(err, codec.ErrTrailingBytes) {
			return stream.End[Out]()
		}
		out, ok := a.fail(err)
		if !ok {
			return stream.Fail[Out](err)
		}
		return stream.Item(out)
	}
	out, closing := a.handle(frame)
	a.last = closing
	return stream.Item(out)
}

// Abandon tells the input (future.Abandoner).
func (a *answers[In, Out]) Abandon() {
	a.last = true
	future.Abandon(a.in)
}
