package rx_test

import (
	"context"
	"math"
	"testing"

	"github.com/reactivex/rxgo/v2"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/stream"
)

// The pipeline of the benchmark, in five stages over the integers 0..n-1:
// map x*3, keep the even, map x+1, drop multiples of 5, and sum.
func stage1(x int) int { return x * 3 }
func keep1(x int) bool { return x%2 == 0 }
func stage2(x int) int { return x + 1 }
func keep2(x int) bool { return x%5 != 0 }
func reference(n int) int {
	sum := 0
	for i := range n {
		if x := stage1(i); keep1(x) {
			if y := stage2(x); keep2(y) {
				sum += y
			}
		}
	}
	return sum
}

const pipelineItems = 1_000_000

// accumulator is the per-item future of the eddy Fold, reused for every
// item so that the user's function allocates nothing.
type accumulator struct{ v int }

func (a *accumulator) Poll(*future.Context) future.Poll[int] { return future.Ok(a.v) }

// eddyPipeline builds the pipeline as eddy futures: nothing runs yet.
func eddyPipeline(n int) future.Future[int] {
	src := stream.Unfold(0, func(i int) (int, int, bool) { return i, i + 1, i < n })
	s := combinators.MapStream(src, stage1)
	s = combinators.Filter(s, keep1)
	s = combinators.MapStream(s, stage2)
	s = combinators.Filter(s, keep2)
	acc := &accumulator{}
	return combinators.Fold(s, 0, func(sum, x int) future.Future[int] {
		acc.v = sum + x
		return acc
	})
}

// pollToEnd polls f by hand, as a driver polls a task, until it is ready:
// each poll runs until the task's budget is spent.
func pollToEnd[T any](f future.Future[T], cx *future.Context) (T, error) {
	for {
		taskctx.BeginPoll(cx)
		if p := f.Poll(cx); p.IsReady() {
			return p.Result()
		}
	}
}

func runEddy(n int) (int, error) {
	return pollToEnd(eddyPipeline(n), future.NewContext(future.NoopWaker, nil))
}

func runEddyDriver(n int) (int, error) {
	return driver.Run(eddyPipeline(n))
}

func runRxgo(n int) (int, error) {
	item, err := rxgo.Range(0, n).
		Map(func(_ context.Context, v any) (any, error) { return stage1(v.(int)), nil }).
		Filter(func(v any) bool { return keep1(v.(int)) }).
		Map(func(_ context.Context, v any) (any, error) { return stage2(v.(int)), nil }).
		Filter(func(v any) bool { return keep2(v.(int)) }).
		Reduce(func(_ context.Context, acc, v any) (any, error) {
			if acc == nil {
				return v, nil
			}
			return acc.(int) + v.(int), nil
		}).Get()
	if err != nil {
		return 0, err
	}
	if item.E != nil {
		return 0, item.E
	}
	sum, _ := item.V.(int)
	return sum, nil
}

// runChannels runs the pipeline with one goroutine per stage, connected by
// channels of the given capacity; the sum runs on the caller's goroutine.
func runChannels(n, capacity int) (int, error) {
	src := make(chan int, capacity)
	go func() {
		for i := range n {
			src <- i
		}
		close(src)
	}()
	mapped := func(in <-chan int, fn func(int) int) <-chan int {
		out := make(chan int, capacity)
		go func() {
			for x := range in {
				out <- fn(x)
			}
			close(out)
		}()
		return out
	}
	filtered := func(in <-chan int, keep func(int) bool) <-chan int {
		out := make(chan int, capacity)
		go func() {
			for x := range in {
				if keep(x) {
					out <- x
				}
			}
			close(out)
		}()
		return out
	}
	sum := 0
	for x := range filtered(mapped(filtered(mapped(src, stage1), keep1), stage2), keep2) {
		sum += x
	}
	return sum, nil
}

var pipelineForms = []struct {
	name string
	run  func(n int) (int, error)
}{
	{"eddy", runEddy},
	{"eddy-driver", runEddyDriver},
	{"rxgo", runRxgo},
	{"channels", func(n int) (int, error) { return runChannels(n, 0) }},
	{"channels-buf64", func(n int) (int, error) { return runChannels(n, 64) }},
}

// eddyRate is the throughput of the latest "eddy" run of BenchmarkPipeline,
// against which the other forms report their ratio.
var eddyRate float64

// BenchmarkPipeline runs the same five-stage pipeline over 1,000,000 ints in
// eddy (polled by hand, and by driver.Run), in rxgo, and with channels and
// one goroutine per stage (unbuffered, and with 64-item buffers). One
// iteration is one whole pipeline; items/s is the throughput, and the forms
// after "eddy" report eddy-speedup, the eddy form's items/s (measured
// earlier in the same run) divided by their own.
func BenchmarkPipeline(b *testing.B) {
	want := reference(pipelineItems)
	for _, form := range pipelineForms {
		b.Run(form.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				got, err := form.run(pipelineItems)
				if got != want || err != nil {
					b.Fatalf("%s pipeline = %d, %v; want %d, nil", form.name, got, err, want)
				}
			}
			rate := float64(pipelineItems) * float64(b.N) / b.Elapsed().Seconds()
			b.ReportMetric(rate, "items/s")
			if form.name == "eddy" {
				eddyRate = rate
			} else if eddyRate > 0 {
				b.ReportMetric(eddyRate/rate, "eddy-speedup")
			}
		})
	}
}

// TestPipelineForms checks that every form of the benchmark computes the
// same sum.
func TestPipelineForms(t *testing.T) {
	for _, n := range []int{0, 1, 10, 1000} {
		want := reference(n)
		for _, form := range pipelineForms {
			if got, err := form.run(n); got != want || err != nil {
				t.Errorf("%s pipeline over %d items = %d, %v; want %d, nil", form.name, n, got, err, want)
			}
		}
	}
	checkNoLeaks(t)
}

// TestPipelineAllocs checks that the eddy pipeline allocates nothing per
// item: a run over many items allocates exactly as much as a run over few,
// which is what building the pipeline (and the loop) costs.
//
// Driven by driver.Run, the small run is 100,000 items rather than 1,000: a
// loop allocates its poller's event buffer the first time it waits on the
// poller, which a pipeline of 1,000 items finishes before doing.
func TestPipelineAllocs(t *testing.T) {
	tests := []struct {
		name         string
		run          func(n int) (int, error)
		small, large int
	}{
		{"polled by hand", runEddy, 1000, 100_000},
		{"driver.Run", runEddyDriver, 100_000, 500_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(tc.small) // warm up whatever is made once per process
			// The least of three measurements: construction may allocate
			// once more when a collection has emptied a sync.Pool it draws
			// from (fmt's printers, for the driver's task names), and a
			// longer run sees more collections.
			measure := func(n int) float64 {
				least := math.Inf(1)
				for range 3 {
					least = min(least, testing.AllocsPerRun(5, func() {
						if _, err := tc.run(n); err != nil {
							t.Fatalf("pipeline over %d items = %v", n, err)
						}
					}))
				}
				return least
			}
			small, large := measure(tc.small), measure(tc.large)
			if small != large {
				t.Errorf("allocations of a pipeline over %d items = %v, over %d items = %v; want equal (none per item)",
					tc.small, small, tc.large, large)
			}
		})
	}
}
