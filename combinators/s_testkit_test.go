package combinators_test

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

// sErr returns a stream step holding the item error err.
func sErr(err error) stream.Poll[int] { return stream.Fail[int](err) }

// sOkAfter returns a future that answers pending k times (waking at once)
// and then v.
func sOkAfter[T any](k int, v T) *testkit.ScriptFuture[T] {
	steps := make([]future.Poll[T], k+1)
	steps[k] = future.Ok(v)
	return testkit.NewFuture(steps...)
}

// sFailAfter is sOkAfter for an error.
func sFailAfter[T any](k int, err error) *testkit.ScriptFuture[T] {
	steps := make([]future.Poll[T], k+1)
	steps[k] = future.Fail[T](err)
	return testkit.NewFuture(steps...)
}

// sManual is a future that completes only when the test says so: it keeps
// the waker of its last poll and counts its polls.
type sManual[T any] struct {
	waker future.Waker
	polls int
	done  bool
	val   T
}

func (m *sManual[T]) Poll(cx *future.Context) future.Poll[T] {
	m.polls++
	if m.done {
		return future.Ok(m.val)
	}
	m.waker = cx.Waker()
	return future.Pending[T]()
}

// complete makes m ready with v and wakes it.
func (m *sManual[T]) complete(v T) {
	m.val, m.done = v, true
	m.waker.Wake()
}

// sinkStep is one scripted answer of a scriptSink poll.
type sinkStep = future.Poll[struct{}]

var (
	sinkOk      = future.Ok(struct{}{})
	sinkPending = future.Pending[struct{}]()
)

// scriptSink is a sink whose PollReady, PollFlush and PollClose answer from
// scripts (ready once a script runs out); on pending it wakes at once. It
// records the items sent and the calls made.
type scriptSink[T any] struct {
	ready, flush, close []sinkStep
	sendErr             error // StartSend fails with it, if set
	items               []T
	log                 []string
}

func (s *scriptSink[T]) step(cx *future.Context, script *[]sinkStep, name string) sinkStep {
	s.log = append(s.log, name)
	if len(*script) == 0 {
		return sinkOk
	}
	p := (*script)[0]
	*script = (*script)[1:]
	if p.IsPending() {
		cx.Waker().Wake()
	}
	return p
}

func (s *scriptSink[T]) PollReady(cx *future.Context) sinkStep {
	return s.step(cx, &s.ready, "ready")
}

func (s *scriptSink[T]) StartSend(item T) error {
	s.log = append(s.log, "send")
	if s.sendErr != nil {
		return s.sendErr
	}
	s.items = append(s.items, item)
	return nil
}

func (s *scriptSink[T]) PollFlush(cx *future.Context) sinkStep {
	return s.step(cx, &s.flush, "flush")
}

func (s *scriptSink[T]) PollClose(cx *future.Context) sinkStep {
	return s.step(cx, &s.close, "close")
}
