// Package testkit holds the helpers that the tests of several eddy packages
// share for polling by hand, with no driver: a counting waker, scripted
// futures and streams that arrange their own wake-ups, loops that poll a
// future or a stream to its end as a driver would (failing any pending
// answer that arranged no wake-up), and descriptions of poll answers for
// comparisons and failure messages.
//
// It imports only package future and package stream of eddy, so the tests
// of every package can use it, the algebra's included. What needs a driver
// loop (a loop per test, spawning and awaiting a task, leak checks of socket
// tests, socket paths) is in package [loopkit]. What only one package's
// tests need stays in that package.
//
// It is imported by tests only, never by library code: it imports package
// testing.
package testkit

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/stream"
)

// MaxPolls bounds the loops of the kit: a future or stream that is not done
// after that many polls fails the test instead of hanging it.
const MaxPolls = 10000

// WakeCounter is a [future.Waker] that counts its wake-ups. It is safe for
// concurrent use.
type WakeCounter struct{ n atomic.Int64 }

// Wake counts one wake-up.
func (w *WakeCounter) Wake() { w.n.Add(1) }

// Count returns the number of wake-ups so far.
func (w *WakeCounter) Count() int { return int(w.n.Load()) }

// ExecutorFunc is a [future.Executor] that spawns by calling itself.
type ExecutorFunc func(future.Future[struct{}])

// Spawn calls e with f.
func (e ExecutorFunc) Spawn(f future.Future[struct{}]) { e(f) }

// NewContext returns a task context for polling by hand, outside any driver
// (no executor), and the counting waker it wakes.
func NewContext() (*future.Context, *WakeCounter) {
	w := &WakeCounter{}
	return future.NewContext(w, nil), w
}

// Describe renders a future poll for messages and comparisons: "pending",
// "err " and the error's text, or "ok " and the value.
func Describe[T any](p future.Poll[T]) string {
	switch {
	case p.IsPending():
		return "pending"
	case p.Err() != nil:
		return "err " + p.Err().Error()
	}
	return fmt.Sprintf("ok %v", p.Value())
}

// DescribeItem renders a stream poll: "pending", "end", "err " and the
// error's text, or "item " and the value.
func DescribeItem[T any](p stream.Poll[T]) string {
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

// ScriptFuture is a future that answers its polls from a script of steps.
// On a pending step it wakes the waker it was given before answering (as
// future.Yield does), so the next step is always due; after a ready step,
// or once the script runs out, it answers [future.ErrPolledAfterCompletion].
type ScriptFuture[T any] struct {
	steps     []future.Poll[T]
	done      bool
	Polls     int // calls of Poll so far
	Abandoned int // calls of Abandon before it completed (a call after is harmless and not counted)
}

// Abandon records that the future was abandoned (future.Abandoner).
func (s *ScriptFuture[T]) Abandon() {
	if !s.done {
		s.Abandoned++
	}
}

// NewFuture returns a future that answers steps, one a poll.
func NewFuture[T any](steps ...future.Poll[T]) *ScriptFuture[T] {
	return &ScriptFuture[T]{steps: steps}
}

// Poll answers the next step of the script.
func (s *ScriptFuture[T]) Poll(cx *future.Context) future.Poll[T] {
	s.Polls++
	if len(s.steps) == 0 {
		return future.Fail[T](future.ErrPolledAfterCompletion)
	}
	p := s.steps[0]
	s.steps = s.steps[1:]
	if p.IsPending() {
		cx.Waker().Wake()
	} else {
		s.steps, s.done = nil, true
	}
	return p
}

// ScriptStream is a stream that answers its polls from a script of steps,
// then the end. Like [ScriptFuture] it wakes its waker on a pending step.
type ScriptStream[T any] struct {
	steps     []stream.Poll[T]
	ended     bool
	Polls     int // calls of PollNext so far
	Abandoned int // calls of Abandon before it ended (a call after is harmless and not counted)
}

// Abandon records that the stream was abandoned (future.Abandoner).
func (s *ScriptStream[T]) Abandon() {
	if !s.ended {
		s.Abandoned++
	}
}

// NewStream returns a stream that answers steps, one a poll, and then ends.
func NewStream[T any](steps ...stream.Poll[T]) *ScriptStream[T] {
	return &ScriptStream[T]{steps: steps}
}

// PollNext answers the next step of the script, or the end.
func (s *ScriptStream[T]) PollNext(cx *future.Context) stream.Poll[T] {
	s.Polls++
	if len(s.steps) == 0 {
		s.ended = true
		return stream.End[T]()
	}
	p := s.steps[0]
	s.steps = s.steps[1:]
	if p.IsPending() {
		cx.Waker().Wake()
	}
	return p
}

// PollN polls f n times with the same task context, a new turn each time,
// and returns [Describe] of each answer. A pending answer must come with the
// waker taken and woken (every script of the kit wakes at once), and with no
// child that arranged no wake-up, or the test fails.
func PollN[T any](t testing.TB, f future.Future[T], n int) []string {
	t.Helper()
	return PollEach(t, n, func(cx *future.Context) (string, bool) {
		p := f.Poll(cx)
		return Describe(p), p.IsPending()
	})
}

// PollStreamN is [PollN] for streams, with [DescribeItem].
func PollStreamN[T any](t testing.TB, s stream.Stream[T], n int) []string {
	t.Helper()
	return PollEach(t, n, func(cx *future.Context) (string, bool) {
		p := s.PollNext(cx)
		return DescribeItem(p), p.IsPending()
	})
}

// PollEach makes n polls with poll, which returns what it answered and
// whether that was pending, checking each pending answer as [PollN] does;
// it returns the answers.
func PollEach(t testing.TB, n int, poll func(*future.Context) (string, bool)) []string {
	t.Helper()
	cx, w := NewContext()
	var got []string
	for range n {
		taskctx.BeginPoll(cx)
		before := w.Count()
		answer, pending := poll(cx)
		if pending {
			if err := lostWakeUp(cx, w, before); err != "" {
				t.Errorf("poll %d: %s", len(got)+1, err)
			}
		}
		got = append(got, answer)
	}
	return got
}

// lostWakeUp says what is wrong with a pending answer of a poll made with
// cx, whose waker w had been woken before times when the poll began, or ""
// if it arranged its wake-up.
func lostWakeUp(cx *future.Context, w *WakeCounter, before int) string {
	if !taskctx.WakerTaken(cx) || w.Count() == before {
		return "pending with no wake-up arranged"
	}
	if st := taskctx.StalledChild(cx); st != nil {
		return fmt.Sprintf("pending with a child (%v) that arranged no wake-up", st)
	}
	return ""
}

// Run polls f until it is ready, as a driver would (a new turn each poll),
// and returns its result. A pending answer that arranged no wake-up fails
// the test at once, and so does a future still pending after [MaxPolls].
func Run[T any](t testing.TB, f future.Future[T]) (T, error) {
	t.Helper()
	v, _, err := RunPolls(t, f)
	return v, err
}

// RunPolls is [Run] that also returns how many polls f took, the ready one
// included.
func RunPolls[T any](t testing.TB, f future.Future[T]) (v T, polls int, err error) {
	t.Helper()
	cx, w := NewContext()
	for polls = 1; polls <= MaxPolls; polls++ {
		taskctx.BeginPoll(cx)
		before := w.Count()
		p := f.Poll(cx)
		if p.IsReady() {
			v, err = p.Result()
			return v, polls, err
		}
		if e := lostWakeUp(cx, w, before); e != "" {
			t.Fatalf("Poll() #%d = %s", polls, e)
		}
	}
	t.Fatalf("Poll() still pending after %d polls", MaxPolls)
	panic("unreachable")
}

// Drain polls s until it ends, as [Run] polls a future, and returns
// [DescribeItem] of every answer but pending, the end included.
func Drain[T any](t testing.TB, s stream.Stream[T]) []string {
	t.Helper()
	cx, w := NewContext()
	var got []string
	for polls := 1; polls <= MaxPolls; polls++ {
		taskctx.BeginPoll(cx)
		before := w.Count()
		p := s.PollNext(cx)
		if p.IsPending() {
			if e := lostWakeUp(cx, w, before); e != "" {
				t.Fatalf("PollNext() #%d = %s", polls, e)
			}
			continue
		}
		got = append(got, DescribeItem(p))
		if p.IsEnd() {
			return got
		}
	}
	t.Fatalf("PollNext() did not end after %d polls", MaxPolls)
	panic("unreachable")
}
