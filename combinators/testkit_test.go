package combinators_test

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/stream"
)

var (
	errBoom  = errors.New("boom")
	errOther = errors.New("other")
	errNil   = errors.New("make the callback return nil")
)

// countingWaker counts its wake-ups.
type countingWaker struct{ n atomic.Int64 }

func (w *countingWaker) Wake()      { w.n.Add(1) }
func (w *countingWaker) count() int { return int(w.n.Load()) }

// scriptFuture answers its polls from a script of steps. On a pending step it
// wakes the waker it was given before answering (as future.Yield does), so the
// next step is always due. It counts its polls.
type scriptFuture[T any] struct {
	steps []future.Poll[T]
	polls int
}

func newFuture[T any](steps ...future.Poll[T]) *scriptFuture[T] {
	return &scriptFuture[T]{steps: steps}
}

func (s *scriptFuture[T]) Poll(cx *future.Context) future.Poll[T] {
	s.polls++
	if len(s.steps) == 0 {
		return future.Fail[T](future.ErrPolledAfterCompletion)
	}
	p := s.steps[0]
	s.steps = s.steps[1:]
	if p.IsPending() {
		cx.Waker().Wake()
	} else {
		s.steps = nil
	}
	return p
}

// scriptStream answers its polls from a script of steps, then the end. Like
// scriptFuture it wakes its waker on pending and counts its polls.
type scriptStream[T any] struct {
	steps []stream.Poll[T]
	polls int
}

func newStream[T any](steps ...stream.Poll[T]) *scriptStream[T] {
	return &scriptStream[T]{steps: steps}
}

func (s *scriptStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	s.polls++
	if len(s.steps) == 0 {
		return stream.End[T]()
	}
	p := s.steps[0]
	s.steps = s.steps[1:]
	if p.IsPending() {
		cx.Waker().Wake()
	}
	return p
}

// items returns stream steps holding the values vs.
func items[T any](vs ...T) []stream.Poll[T] {
	ps := make([]stream.Poll[T], len(vs))
	for i, v := range vs {
		ps[i] = stream.Item(v)
	}
	return ps
}

// show renders a future poll as "pending", "ok V" or "err E".
func show[T any](p future.Poll[T]) string {
	switch {
	case p.IsPending():
		return "pending"
	case p.Err() != nil:
		return "err " + p.Err().Error()
	}
	return fmt.Sprintf("ok %v", p.Value())
}

// showItem renders a stream poll as "pending", "item V", "err E" or "end".
func showItem[T any](p stream.Poll[T]) string {
	switch {
	case p.IsPending():
		return "pending"
	case p.IsEnd():
		return "end"
	case p.Err() != nil:
		return "err " + p.Err().Error()
	}
	return fmt.Sprintf("item %v", p.Value())
}

const afterDone = "err " + "future: polled after completion"

// pollN polls f n times with a fresh task context per poll and returns what
// each poll answered. A pending answer must come with the waker taken and
// woken (every leaf of the kit wakes at once), or the test fails.
func pollN[T any](t *testing.T, f future.Future[T], n int) []string {
	t.Helper()
	return pollEach(t, n, func(cx *future.Context) (string, bool) {
		p := f.Poll(cx)
		return show(p), p.IsPending()
	})
}

// pollStreamN is pollN for streams.
func pollStreamN[T any](t *testing.T, s stream.Stream[T], n int) []string {
	t.Helper()
	return pollEach(t, n, func(cx *future.Context) (string, bool) {
		p := s.PollNext(cx)
		return showItem(p), p.IsPending()
	})
}

// pollEach makes n polls with poll, checking that every pending answer
// arranged its wake-up, and returns what each answered.
func pollEach(t *testing.T, n int, poll func(*future.Context) (string, bool)) []string {
	t.Helper()
	w := &countingWaker{}
	cx := future.NewContext(w, nil)
	var got []string
	for range n {
		taskctx.BeginPoll(cx)
		before := w.count()
		answer, pending := poll(cx)
		if pending && (!taskctx.WakerTaken(cx) || w.count() == before) {
			t.Errorf("poll %d: pending with no wake-up arranged", len(got)+1)
		}
		if st := taskctx.StalledChild(cx); pending && st != nil {
			t.Errorf("poll %d: pending with a child (%v) that arranged no wake-up", len(got)+1, st)
		}
		got = append(got, answer)
	}
	return got
}

// run polls f until it is ready, as a driver would, and returns its result.
func run[T any](t *testing.T, f future.Future[T]) (T, error) {
	t.Helper()
	w := &countingWaker{}
	cx := future.NewContext(w, nil)
	for range 10000 {
		taskctx.BeginPoll(cx)
		before := w.count()
		p := f.Poll(cx)
		if p.IsReady() {
			return p.Result()
		}
		if !taskctx.WakerTaken(cx) || w.count() == before {
			t.Fatalf("Poll() = pending with no wake-up arranged")
		}
		if st := taskctx.StalledChild(cx); st != nil {
			t.Fatalf("Poll() = pending with a child (%v) that arranged no wake-up", st)
		}
	}
	t.Fatalf("Poll() still pending after 10000 polls")
	panic("unreachable")
}

// calls counts the calls of a user function.
type calls struct{ n int }

func (c *calls) add() { c.n++ }
