package rx_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/reactivex/rxgo/v2"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/rx"
	"github.com/eddyio/eddy/stream"
)

var errBad = errors.New("bad item")

func times(k int) rxgo.Func {
	return func(_ context.Context, v any) (any, error) { return v.(int) * k, nil }
}

func failOn(bad int) rxgo.Func {
	return func(_ context.Context, v any) (any, error) {
		if v.(int) == bad {
			return nil, errBad
		}
		return v, nil
	}
}

func TestFromObservable(t *testing.T) {
	tests := []struct {
		name string
		obs  func() rxgo.Observable
		want outcome[int]
	}{
		{
			name: "Just-Map-Filter",
			obs: func() rxgo.Observable {
				return rxgo.Just(1, 2, 3, 4, 5)().Map(times(10)).
					Filter(func(v any) bool { return v.(int) > 10 })
			},
			want: outcome[int]{Values: []int{20, 30, 40, 50}},
		},
		{
			name: "Range",
			obs:  func() rxgo.Observable { return rxgo.Range(0, 300) },
			want: outcome[int]{Values: count(0, 300)},
		},
		{
			name: "error items pass through Just",
			obs:  func() rxgo.Observable { return rxgo.Just(1, errBad, 3)() },
			want: outcome[int]{Values: []int{1, 3}, Errs: []string{"bad item"}},
		},
		{
			name: "Map stops on error",
			obs:  func() rxgo.Observable { return rxgo.Just(1, 2, 3)().Map(failOn(2)) },
			want: outcome[int]{Values: []int{1}, Errs: []string{"bad item"}},
		},
		{
			name: "wrong type",
			obs:  func() rxgo.Observable { return rxgo.Just(1, "two", 3)() },
			want: outcome[int]{Values: []int{1, 3}, Errs: []string{"rx: observable emitted string (two), want int"}},
		},
		{
			name: "Thrown",
			obs:  func() rxgo.Observable { return rxgo.Thrown(errBad) },
			want: outcome[int]{Errs: []string{"bad item"}},
		},
		{
			name: "Empty",
			obs:  rxgo.Empty,
			want: outcome[int]{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := runDrain[int](t, rx.FromObservable[int](tc.obs()))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("drain(FromObservable) mismatch (-want +got):\n%s", diff)
			}
			checkNoLeaks(t)
		})
	}
}

func count(from, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = from + i
	}
	return out
}

// TestFromObservableNil checks the nil value of an interface item type, and
// that a typed value reaches an interface stream.
func TestFromObservableNil(t *testing.T) {
	obs := rxgo.Defer([]rxgo.Producer{func(ctx context.Context, next chan<- rxgo.Item) {
		rxgo.Of(nil).SendContext(ctx, next)
		rxgo.Of(errBad).SendContext(ctx, next) // a value that is an error, not an error item
	}})
	got := runDrain[error](t, rx.FromObservable[error](obs))
	want := outcome[error]{Values: []error{nil, errBad}}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("drain(FromObservable[error]) mismatch (-want +got):\n%s", diff)
	}
	ints := runDrain[*int](t, rx.FromObservable[*int](rxgo.Defer([]rxgo.Producer{func(ctx context.Context, next chan<- rxgo.Item) {
		rxgo.Of(nil).SendContext(ctx, next)
	}})))
	if diff := cmp.Diff(outcome[*int]{Errs: []string{"rx: observable emitted <nil> (<nil>), want *int"}}, ints); diff != "" {
		t.Errorf("drain(FromObservable[*int]) of a nil mismatch (-want +got):\n%s", diff)
	}
	checkNoLeaks(t)
}

// TestFromObservableCombinators runs an rxgo pipeline into eddy combinators.
func TestFromObservableCombinators(t *testing.T) {
	src := rxgo.Range(1, 100).Map(times(3)).Filter(func(v any) bool { return v.(int)%2 == 0 })
	s := combinators.MapStream(rx.FromObservable[int](src), func(n int) int { return n / 2 })
	odd := combinators.Filter(s, func(n int) bool { return n%2 == 1 })
	sum, err := driver.RunWith(driver.Config{DetectStalls: true, Logf: t.Logf}, combinators.Fold(odd, 0, func(acc, n int) future.Future[int] {
		return future.Ready(acc + n)
	}))
	want := 0
	for i := 1; i <= 100; i++ {
		if v := 3 * i; v%2 == 0 && (v/2)%2 == 1 {
			want += v / 2
		}
	}
	if sum != want || err != nil {
		t.Errorf("Run(Fold) = %d, %v; want %d, nil", sum, err, want)
	}
	checkNoLeaks(t)
}

func TestFromObservableLazy(t *testing.T) {
	c := &counting{n: 3}
	s := rx.FromObservable[int](c.observable())
	if n := c.started.Load(); n != 0 || bridges() != 0 {
		t.Fatalf("FromObservable() subscribed before the first poll: producer started %d time(s), %d bridge goroutine(s)",
			n, bridges())
	}
	got := runDrain[int](t, s)
	if diff := cmp.Diff(outcome[int]{Values: []int{0, 1, 2}}, got); diff != "" {
		t.Errorf("drain(FromObservable) mismatch (-want +got):\n%s", diff)
	}
	if n := c.started.Load(); n != 1 {
		t.Errorf("producer started %d time(s); want 1", n)
	}
	checkNoLeaks(t)
}

// TestFromObservableBackPressure checks that the Observable runs at most the
// buffer (plus the item in the bridge's hand) ahead of the polling task.
func TestFromObservableBackPressure(t *testing.T) {
	const size = 4
	c := &counting{n: 1000}
	s := rx.FromObservableSize[int](c.observable(), size)
	cx := future.NewContext(future.NoopWaker, nil)
	var got []int
	if p := s.PollNext(cx); p.IsItem() { // subscribes
		got = append(got, p.Value())
	}
	want := int64(len(got) + size + 1) // polled, buffered, and one in the bridge's hand
	waitFor(t, "the producer to fill the buffer", func() bool { return c.sent.Load() >= want })
	time.Sleep(20 * time.Millisecond) // give an unbounded producer time to run ahead
	if n := c.sent.Load(); n != want {
		t.Errorf("producer sent %d items with %d polled; want %d (buffer %d)", n, len(got), want, size)
	}
	for len(got) < 10 {
		p := s.PollNext(cx)
		if p.IsItem() {
			got = append(got, p.Value())
		}
	}
	if diff := cmp.Diff(count(0, 10), got); diff != "" {
		t.Errorf("PollNext() values mismatch (-want +got):\n%s", diff)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close() = %v; want nil", err)
	}
	if p := s.PollNext(cx); !p.IsEnd() {
		t.Errorf("PollNext() after Close = %+v; want the end", p)
	}
	checkNoLeaks(t)
}

// TestFromObservableClose cancels subscriptions to endless or long sources
// after a few items and checks that rxgo's goroutines end.
func TestFromObservableClose(t *testing.T) {
	tests := []struct {
		name string
		obs  func() rxgo.Observable
	}{
		{name: "Range", obs: func() rxgo.Observable { return rxgo.Range(0, 1_000_000) }},
		{name: "Range-Map-Filter", obs: func() rxgo.Observable {
			return rxgo.Range(0, 1_000_000).Map(times(2)).Filter(func(any) bool { return true })
		}},
		{name: "Just", obs: func() rxgo.Observable { return rxgo.Just(count(0, 10_000))() }},
		{name: "Defer", obs: (&counting{n: 1 << 40}).observable},
		{name: "Never", obs: rxgo.Never},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := rx.FromObservable[int](tc.obs())
			cx := future.NewContext(future.NoopWaker, nil)
			got := 0
			for i := 0; i < 100 && got < 3; i++ {
				if p := s.PollNext(cx); p.IsItem() {
					got++
				} else {
					time.Sleep(time.Millisecond)
				}
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close() = %v; want nil", err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("second Close() = %v; want nil", err)
			}
			if p := s.PollNext(cx); !p.IsEnd() {
				t.Errorf("PollNext() after Close = %+v; want the end", p)
			}
			checkNoLeaks(t)
		})
	}
}

// TestFromObservableCloseWakes closes the stream from another goroutine
// while a task is parked on it: the task is woken and sees the end.
func TestFromObservableCloseWakes(t *testing.T) {
	s := rx.FromObservable[int](rxgo.Never())
	p := newProbe[int](s)
	go func() {
		<-p.parked
		s.Close()
	}()
	got := runDrain[int](t, p)
	if diff := cmp.Diff(outcome[int]{}, got); diff != "" {
		t.Errorf("drain(closed stream) mismatch (-want +got):\n%s", diff)
	}
	checkNoLeaks(t)
}

func TestFromObservableCloseBeforePoll(t *testing.T) {
	c := &counting{n: 3}
	s := rx.FromObservable[int](c.observable())
	s.Close()
	if p := s.PollNext(future.NewContext(future.NoopWaker, nil)); !p.IsEnd() {
		t.Errorf("PollNext() after Close = %+v; want the end", p)
	}
	if n := c.started.Load(); n != 0 {
		t.Errorf("producer started %d time(s) after Close before the first poll; want 0", n)
	}
	checkNoLeaks(t)
}

// TestFromObservableDropped drops a started stream without closing it: its
// cleanup cancels the subscription once it is collected.
func TestFromObservableDropped(t *testing.T) {
	func() {
		s := rx.FromObservable[int](rxgo.Range(0, 1_000_000).Map(times(2)))
		cx := future.NewContext(future.NoopWaker, nil)
		for got := 0; got < 3; {
			if p := s.PollNext(cx); p.IsItem() {
				got++
			}
			runtime.Gosched()
		}
	}()
	checkNoLeaks(t) // runs the collector until the cleanup has run
}

// TestFromObservableWakes checks, under the stall detector, that items sent
// later from rxgo's goroutines wake the parked task.
func TestFromObservableWakes(t *testing.T) {
	release := make(chan struct{})
	obs := rxgo.Defer([]rxgo.Producer{func(ctx context.Context, next chan<- rxgo.Item) {
		for i := range 5 {
			<-release
			rxgo.Of(i).SendContext(ctx, next)
		}
	}})
	p := newProbe(stream.Stream[int](rx.FromObservable[int](obs)))
	go func() {
		for range 5 {
			<-p.parked // parked at least once; then release items one by one
			release <- struct{}{}
			time.Sleep(time.Millisecond)
		}
	}()
	got := runDrain[int](t, p)
	if diff := cmp.Diff(outcome[int]{Values: count(0, 5)}, got); diff != "" {
		t.Errorf("drain(FromObservable) mismatch (-want +got):\n%s", diff)
	}
	checkNoLeaks(t)
}

// bridges counts the bridge goroutines of ObservableStreams.
func bridges() int {
	n := 0
	for _, g := range leaked() {
		if strings.Contains(g, "rx.(*bridge).run") {
			n++
		}
	}
	return n
}
