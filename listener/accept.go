package listener

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/stream"
)

// listenFD wraps fd, a listening socket, for the listener l that owns it:
// reported level-triggered where the poller can, so that each accept
// takes one report and none finds the backlog empty (netpoll.FD.SetLevel).
func listenFD(fd int, l netpoll.Closer) *netpoll.FD {
	f := netpoll.NewFD(fd, l)
	f.SetLevel()
	return f
}

// acceptor is what every listener type is: one accept per poll.
type acceptor[S any] interface {
	PollAccept(cx *future.Context) future.Poll[S]
}

// accept is the Accept future of any listener.
type accept[S any] struct {
	l    acceptor[S]
	done bool
}

func (a *accept[S]) Poll(cx *future.Context) future.Poll[S] {
	if a.done {
		return future.Fail[S](future.ErrPolledAfterCompletion)
	}
	p := a.l.PollAccept(cx)
	a.done = p.IsReady()
	return p
}

// incoming is the Incoming stream of any listener: a failed accept is an
// item error, and the stream ends when the listener is closed.
type incoming[S any] struct{ l acceptor[S] }

func (in incoming[S]) PollNext(cx *future.Context) stream.Poll[S] {
	p := in.l.PollAccept(cx)
	switch {
	case p.IsPending():
		return stream.Pending[S]()
	case p.Err() == nil:
		return stream.Item(p.Value())
	case isClosed(p.Err()):
		return stream.End[S]()
	}
	return stream.Fail[S](p.Err())
}
