package codec

import (
	"errors"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Respond returns the stream of a request-response server's answers to the
// frames of requests, in order: handle's answer to each frame, and refuse's
// answer to a decoding error (when it gives one: ok false lets the error go
// on as an item error). The stream ends right after an answer that closes
// the connection (handle's second result, or any answer of refuse), without
// reading further, and quietly when the input ends in the middle of a frame
// ([ErrTrailingBytes]: the peer went away mid-request). Forwarded into the
// framed sink of the same connection, it is the whole connection:
//
//	rd, wr := codec.NewFramed(conn, c).Split()
//	serve := combinators.Forward(codec.Respond(rd, handle, refuse), wr)
//
// Forward writes the answers out whenever the requests have nothing more to
// give, so pipelined requests are answered in as few writes as they came
// in, and closes the sink (a FIN) when this stream ends. Nothing is read
// until the first poll.
func Respond[In, Out any](requests stream.Stream[In], handle func(In) (answer Out, closing bool), refuse func(error) (answer Out, ok bool)) stream.Stream[Out] {
	return &responder[In, Out]{in: requests, handle: handle, refuse: refuse}
}

type responder[In, Out any] struct {
	in     stream.Stream[In]
	handle func(In) (Out, bool)
	refuse func(error) (Out, bool)
	last   bool // the answer given last closes the connection
}

func (r *responder[In, Out]) PollNext(cx *future.Context) stream.Poll[Out] {
	if r.last {
		return stream.End[Out]()
	}
	p := r.in.PollNext(cx)
	if p.IsPending() {
		return stream.Pending[Out]()
	}
	if p.IsEnd() {
		r.last = true
		return stream.End[Out]()
	}
	frame, err := p.Result()
	if err != nil {
		r.last = true
		if errors.Is(err, ErrTrailingBytes) {
			return stream.End[Out]()
		}
		out, ok := r.refuse(err)
		if !ok {
			return stream.Fail[Out](err)
		}
		return stream.Item(out)
	}
	out, closing := r.handle(frame)
	r.last = closing
	return stream.Item(out)
}

// Abandon tells the requests (future.Abandoner); the stream ends.
func (r *responder[In, Out]) Abandon() {
	r.last = true
	future.Abandon(r.in)
}
