package aio

import "github.com/eddyio/eddy/future"

// Read returns a future that reads once from r into p, as one call of
// io.Reader's Read does: it waits until r is readable, then completes with
// the number of bytes read, at least one while len(p) > 0. At the end of
// input it fails with io.EOF and the count 0; a failed read fails with its
// error. Read does not fill p: for that, use [ReadExact].
//
// Read is lazy: nothing is read before the first poll. p is written only
// while the future is polled and must not be used until it completes.
func Read(r AsyncReader, p []byte) future.Future[int] { return &read{r: r, p: p} }

// read is one PollRead to completion.
type read struct {
	r    AsyncReader
	p    []byte
	done bool
}

func (f *read) Poll(cx *future.Context) future.Poll[int] {
	if f.done {
		return future.Fail[int](future.ErrPolledAfterCompletion)
	}
	p := f.r.PollRead(cx, f.p)
	if p.IsReady() {
		f.done, f.r, f.p = true, nil, nil
	}
	return p
}
