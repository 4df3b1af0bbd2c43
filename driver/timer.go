package driver

import (
	"container/heap"
	"time"

	"github.com/eddyio/eddy/future"
)

// sleep is a timer future; while pending it sits in its loop's timer heap.
type sleep struct {
	d     time.Duration
	when  time.Duration // loop clock deadline, set on first poll
	loop  *Loop
	waker future.Waker
	index int // position in the heap, -1 when not in it
	done  bool
}

// Sleep returns a future that completes d after its first poll. Building it
// starts no timer; the timer is armed on the loop that first polls it, and
// polling it from another loop fails with [ErrWrongLoop].
func Sleep(d time.Duration) future.Future[struct{}] { return &sleep{d: d, index: -1} }

func (s *sleep) Poll(cx *future.Context) future.Poll[struct{}] {
	if s.done {
		return future.Fail[struct{}](future.ErrPolledAfterCompletion)
	}
	l, err := LoopOf(cx)
	if err != nil {
		return future.Fail[struct{}](err)
	}
	if s.loop == nil {
		s.loop, s.when = l, l.now()+s.d
	} else if s.loop != l {
		// The timer sits in its first loop's heap, which only that loop's
		// goroutine may touch.
		return future.Fail[struct{}](ErrWrongLoop)
	}
	if s.loop.now() >= s.when {
		s.done = true
		if s.index >= 0 {
			heap.Remove(&s.loop.timers, s.index)
		}
		return future.Ok(struct{}{})
	}
	s.waker = cx.Waker()
	if s.index < 0 {
		heap.Push(&s.loop.timers, s)
		s.loop.counts.timersArmed++
	}
	return future.Pending[struct{}]()
}

// timerHeap is a min-heap of pending timers by deadline; loop goroutine only.
type timerHeap []*sleep

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].when < h[j].when }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	s := x.(*sleep)
	s.index = len(*h)
	*h = append(*h, s)
}
func (h *timerHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	old[len(old)-1] = nil
	s.index = -1
	*h = old[:len(old)-1]
	return s
}

func (h timerHeap) next() (time.Duration, bool) {
	if len(h) == 0 {
		return 0, false
	}
	return h[0].when, true
}

func (h *timerHeap) clear() {
	for _, s := range *h {
		s.index = -1
	}
	*h = (*h)[:0]
}

// fireTimers wakes the tasks of every timer whose deadline has passed.
func (l *Loop) fireTimers() {
	now := l.now()
	for len(l.timers) > 0 && l.timers[0].when <= now {
		s := heap.Pop(&l.timers).(*sleep)
		l.counts.timersFired++
		if w := s.waker; w != nil {
			s.waker = nil
			l.wakeFromReactor(w)
		}
	}
}
