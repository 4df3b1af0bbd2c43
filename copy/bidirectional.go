package copy

import (
	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
)

// Transferred counts the bytes a Bidirectional copy moved each way.
type Transferred struct {
	AToB int64 // read from a, written to b
	BToA int64 // read from b, written to a
}

// direction is one half of a bidirectional copy: copy, then shut down the
// destination's write side so that the EOF travels on.
type direction struct {
	copy     future.Future[int64]
	shutdown future.Future[struct{}]
	w        aio.AsyncWriter
	n        int64
	done     bool
}

func (d *direction) poll(cx *future.Context) error {
	if d.copy != nil {
		p := d.copy.Poll(cx)
		if p.IsPending() {
			return nil
		}
		d.copy, d.n = nil, p.Value()
		if err := p.Err(); err != nil {
			d.done = true
			return err
		}
		d.shutdown = aio.Shutdown(d.w)
	}
	p := d.shutdown.Poll(cx)
	if p.IsReady() {
		d.done, d.shutdown = true, nil
	}
	return p.Err()
}

type bidirectional struct {
	ab, ba   direction
	finished bool
}

// Bidirectional returns a future that copies a to b and b to a at the same
// time, as a proxy does. When one side reaches EOF, the write side of the
// other is shut down (the half-close is passed on) and the copy the other
// way goes on until it, too, reaches EOF. It is ready with the counts both
// ways once both are done, or with the first error and the counts so far;
// it closes neither side. On an error, the count of a direction that had
// not finished is 0.
func Bidirectional(a, b aio.AsyncReadWriter) future.Future[Transferred] {
	return &bidirectional{
		ab: direction{copy: Copy(a, b), w: b},
		ba: direction{copy: Copy(b, a), w: a},
	}
}

func (f *bidirectional) Poll(cx *future.Context) future.Poll[Transferred] {
	if f.finished {
		return future.Fail[Transferred](future.ErrPolledAfterCompletion)
	}
	var err error
	if !f.ab.done {
		err = f.ab.poll(cx)
	}
	if !f.ba.done && err == nil {
		err = f.ba.poll(cx)
	}
	if err == nil && !(f.ab.done && f.ba.done) {
		return future.Pending[Transferred]()
	}
	f.finished = true
	return future.Result(Transferred{AToB: f.ab.n, BToA: f.ba.n}, err)
}

// Abandon abandons both copies and shutdowns in progress (future.Abandoner),
// so their pooled buffers go back at once. Neither side is closed.
func (f *bidirectional) Abandon() {
	if f.finished {
		return
	}
	f.finished = true
	for _, d := range []*direction{&f.ab, &f.ba} {
		future.Abandon(d.copy)
		future.Abandon(d.shutdown)
		d.copy, d.shutdown, d.done = nil, nil, true
	}
}
