package timer

import (
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
)

// IdleReader returns r with an idle timeout: once a read (or, for a reader
// that has one, a wait for readiness) has found nothing for d, it fails
// with a *[TimeoutError] (What "read", After d) instead of waiting longer.
// The count starts when the reader first answers pending after data, an
// error or the end, so a connection that keeps talking never times out and
// one that falls silent is told after d. This is the idle timeout of a
// connection, reset on every read; it allocates nothing per read (the
// timer is the reader's own [Delay], moved with Reset).
//
// Put it in front of Copy's reader (`iocopy.Copy(timer.IdleReader(r, d),
// w)`): the copy then ends with the timeout error, and the pipeline closes
// the connection as it does on any other error. The result keeps r's
// readiness (PollReadReady) when r has it, so an idle copy still holds no
// buffer. Abandoning the result ([future.Abandon]) removes its timer.
func IdleReader(r aio.AsyncReader, d time.Duration) *IdleTimeoutReader {
	return &IdleTimeoutReader{r: r, d: d, err: TimeoutError{What: "read", After: d}}
}

// IdleTimeoutReader is the reader [IdleReader] returns.
type IdleTimeoutReader struct {
	r       aio.AsyncReader
	d       time.Duration
	delay   Delay
	waiting bool // a wait is being timed: the delay is armed for it
	err     TimeoutError
}

// PollRead reads from the underlying reader, or fails with a
// *TimeoutError when the wait for data has lasted the idle timeout.
func (i *IdleTimeoutReader) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	r := i.r.PollRead(cx, p)
	if !r.IsPending() {
		i.endWait()
		return r
	}
	if err := i.expired(cx); err != nil {
		return future.Fail[int](err)
	}
	return r
}

// PollReadReady answers as the underlying reader's PollReadReady does (ready
// at once if it has none), or fails with a *TimeoutError when the wait has
// lasted the idle timeout.
func (i *IdleTimeoutReader) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	rr, ok := i.r.(aio.ReadinessReader)
	if !ok {
		return future.Ok(struct{}{})
	}
	r := rr.PollReadReady(cx)
	if !r.IsPending() {
		if r.Err() != nil {
			i.endWait() // the copy ends here
		}
		return r
	}
	if err := i.expired(cx); err != nil {
		return future.Fail[struct{}](err)
	}
	return r
}

// expired times the current wait: it arms the delay when the wait begins
// and reports the timeout once it has passed. The reader's own pending
// answer has already parked the task's waker; the delay parks it too.
func (i *IdleTimeoutReader) expired(cx *future.Context) error {
	if !i.waiting {
		i.waiting = true
		i.delay.Reset(i.d)
	}
	p := i.delay.Poll(cx)
	switch {
	case p.IsPending():
		return nil
	case p.Err() != nil:
		return p.Err()
	}
	i.waiting = false
	return &i.err
}

// endWait ends the wait being timed: data, an error or the end arrived, so
// the timer leaves the wheel now (no stale wake-up after d, and none armed
// when the copy over this reader completes).
func (i *IdleTimeoutReader) endWait() {
	if i.waiting {
		i.waiting = false
		i.delay.t.Stop()
	}
}

// Abandon removes the reader's timer: the future reading it was given up.
func (i *IdleTimeoutReader) Abandon() { i.endWait() }

var (
	_ aio.AsyncReader     = (*IdleTimeoutReader)(nil)
	_ aio.ReadinessReader = (*IdleTimeoutReader)(nil)
	_ future.Abandoner    = (*IdleTimeoutReader)(nil)
)
