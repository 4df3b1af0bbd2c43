package wheel

import (
	"container/heap"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/eddyio/eddy/future"
)

// The timer store was chosen by these benchmarks: the hierarchical wheel
// against the binary heap the loop used before (kept here, as it was, as the
// baseline). Each arms 1,000,000 timers with deadlines spread over ten
// minutes, then measures one operation among them:
//
//	go test -run NONE -bench Timers -benchmem -benchtime=3000000x -count=3 ./internal/wheel
//
// arm: arm one more timer; reset: move an armed timer to a new deadline;
// cancel: take an armed timer out. B/timer is the heap memory per armed
// timer, store and entry included.

const armed = 1_000_000

// resets counts the resets of every round, to vary their deadlines.
var resets int

func deadlines(n int) []time.Duration {
	rng := rand.New(rand.NewPCG(3, 4))
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = time.Millisecond + time.Duration(rng.Int64N(int64(10*time.Minute)))
	}
	return ds
}

// store is what the benchmarks need of a timer store.
type store interface {
	arm(i int, d time.Duration)
	cancel(i int)
	len() int
}

type wheelStore struct {
	w  Wheel
	es []Entry
}

func (s *wheelStore) arm(i int, d time.Duration) { s.w.Arm(&s.es[i], d, future.NoopWaker) }
func (s *wheelStore) cancel(i int)               { s.es[i].Stop() }
func (s *wheelStore) len() int                   { return s.w.Len() }

// heapTimer and timerHeap are the loop's previous store: a min-heap of
// timers by deadline, each knowing its index.
type heapTimer struct {
	when  time.Duration
	waker future.Waker
	index int
}

type timerHeap []*heapTimer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].when < h[j].when }
func (h timerHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *timerHeap) Push(x any) {
	s := x.(*heapTimer)
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

type heapStore struct {
	h  timerHeap
	ts []heapTimer
}

func (s *heapStore) arm(i int, d time.Duration) {
	t := &s.ts[i]
	t.when, t.waker = d, future.NoopWaker
	if t.index >= 0 {
		heap.Fix(&s.h, t.index)
		return
	}
	heap.Push(&s.h, t)
}
func (s *heapStore) cancel(i int) {
	if t := &s.ts[i]; t.index >= 0 {
		heap.Remove(&s.h, t.index)
	}
}
func (s *heapStore) len() int { return s.h.Len() }

func newWheelStore(n int) store { return &wheelStore{es: make([]Entry, n)} }
func newHeapStore(n int) store {
	s := &heapStore{ts: make([]heapTimer, n)}
	for i := range s.ts {
		s.ts[i].index = -1
	}
	return s
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func BenchmarkTimers(b *testing.B) {
	ds := deadlines(armed)
	const spare = 1 << 16 // timers armed and cancelled on top of the million
	for _, kind := range []struct {
		name string
		new  func(int) store
	}{{"wheel", newWheelStore}, {"heap", newHeapStore}} {
		// One million armed, built once per store and shared by its three
		// benchmarks and their calibration rounds (building is the slow
		// part); each round starts with the spare timers disarmed.
		var (
			shared store
			bpt    float64
		)
		build := func(*testing.B) (store, float64) {
			if shared == nil {
				before := heapInUse()
				shared = kind.new(armed + spare)
				for i := range armed {
					shared.arm(i, ds[i])
				}
				bpt = float64(heapInUse()-before) / armed
			}
			for j := range spare {
				shared.cancel(armed + j)
			}
			return shared, bpt
		}
		b.Run(kind.name+"/arm", func(b *testing.B) {
			s, bpt := build(b)
			defer b.ReportMetric(bpt, "B/timer") // after the loop: ResetTimer drops metrics
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := i % spare
				if k == 0 && i > 0 {
					b.StopTimer()
					for j := range spare {
						s.cancel(armed + j)
					}
					b.StartTimer()
				}
				s.arm(armed+k, ds[i%armed])
			}
		})
		b.Run(kind.name+"/reset", func(b *testing.B) {
			s, bpt := build(b)
			defer b.ReportMetric(bpt, "B/timer") // after the loop: ResetTimer drops metrics
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// A new deadline every time, across calibration rounds too
				// (an entry reset to its own tick costs nothing).
				resets++
				s.arm(i%armed, ds[(i+7919)%armed]+time.Duration(resets%997+1)*time.Millisecond)
			}
		})
		b.Run(kind.name+"/cancel", func(b *testing.B) {
			s, bpt := build(b)
			defer b.ReportMetric(bpt, "B/timer") // after the loop: ResetTimer drops metrics
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := i % spare
				if k == 0 {
					b.StopTimer()
					for j := range spare {
						s.arm(armed+j, ds[j])
					}
					b.StartTimer()
				}
				s.cancel(armed + k)
			}
			if s.len() < armed {
				b.Fatalf("len() = %d; the million were cancelled", s.len())
			}
		})
	}
}
