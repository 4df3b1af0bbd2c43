package rx_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/reactivex/rxgo/v2"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/rx"
	"github.com/eddyio/eddy/stream"
)

func TestToObservable(t *testing.T) {
	loop, _ := startLoop(t)
	tests := []struct {
		name string
		obs  func() rxgo.Observable
		want outcome[int]
		// abandons says that an rxgo operator stops reading before the
		// end: as with any rxgo source, the observer must then cancel its
		// context to release the producer.
		abandons bool
	}{
		{
			name: "values",
			obs:  func() rxgo.Observable { return rx.ToObservable(loop, stream.Of(1, 2, 3)) },
			want: outcome[int]{Values: []int{1, 2, 3}},
		},
		{
			name: "Map-Filter after",
			obs: func() rxgo.Observable {
				return rx.ToObservable(loop, stream.FromSlice(count(0, 500))).
					Map(times(3)).Filter(func(v any) bool { return v.(int)%2 == 0 })
			},
			want: outcome[int]{Values: evens(count(0, 500), 3)},
		},
		{
			name: "item errors are error items",
			obs: func() rxgo.Observable {
				return rx.ToObservable(loop, testkit.NewStream(stream.Item(1), stream.Fail[int](errBad), stream.Item(3)))
			},
			want: outcome[int]{Values: []int{1, 3}, Errs: []string{"bad item"}},
		},
		{
			name: "an error stops rxgo's Map",
			obs: func() rxgo.Observable {
				return rx.ToObservable(loop, testkit.NewStream(stream.Item(1), stream.Fail[int](errBad), stream.Item(3))).Map(times(1))
			},
			want:     outcome[int]{Values: []int{1}, Errs: []string{"bad item"}},
			abandons: true,
		},
		{
			name: "pending stream",
			obs: func() rxgo.Observable {
				return rx.ToObservable(loop, testkit.NewStream(stream.Pending[int](), stream.Item(1), stream.Pending[int](),
					stream.Pending[int](), stream.Item(2)))
			},
			want: outcome[int]{Values: []int{1, 2}},
		},
		{
			name: "empty",
			obs:  func() rxgo.Observable { return rx.ToObservable(loop, stream.Empty[int]()) },
			want: outcome[int]{},
		},
		{
			name: "nil loop",
			obs:  func() rxgo.Observable { return rx.ToObservable(nil, stream.Of(1)) },
			want: outcome[int]{Errs: []string{rx.ErrNilLoop.Error()}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts []rxgo.Option
			if tc.abandons {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				opts = append(opts, rxgo.WithContext(ctx))
			}
			got := observeAll[int](t, tc.obs(), opts...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Observe(ToObservable) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// evens returns k*v for each v of vs where k*v is even.
func evens(vs []int, k int) []int {
	var out []int
	for _, v := range vs {
		if k*v%2 == 0 {
			out = append(out, k*v)
		}
	}
	return out
}

// TestRoundTrip sends an rxgo pipeline through eddy combinators and back
// into rxgo operators.
func TestRoundTrip(t *testing.T) {
	loop, _ := startLoop(t)
	src := rxgo.Just(count(1, 20))().
		Map(times(10)).
		Filter(func(v any) bool { return v.(int)%20 != 0 }) // 10, 30, 50, ...
	s := combinators.MapStream(rx.FromObservable[int](src), func(n int) string {
		return strings.Repeat("x", n/10)
	})
	s = combinators.Filter(s, func(v string) bool { return len(v) > 3 })
	obs := rx.ToObservable(loop, s).Map(func(_ context.Context, v any) (any, error) {
		return len(v.(string)), nil
	})
	got := observeAll[int](t, obs)
	want := outcome[int]{Values: []int{5, 7, 9, 11, 13, 15, 17, 19}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	sum, err := rx.ToObservable(loop, combinators.MapStream(rx.FromObservable[int](rxgo.Range(1, 100)), func(n int) int { return n * n })).
		Reduce(func(_ context.Context, acc, v any) (any, error) {
			if acc == nil {
				acc = 0
			}
			return acc.(int) + v.(int), nil
		}).Get()
	if err != nil || sum.V != 338350 {
		t.Errorf("Reduce(ToObservable(squares)).Get() = %v, %v; want 338350, nil", sum.V, err)
	}
}

func TestToObservableLazy(t *testing.T) {
	loop, err := driver.New(driver.Config{DetectStalls: true, Logf: t.Logf})
	if err != nil {
		t.Fatalf("driver.New() = %v", err)
	}
	defer loop.Close()
	p := newProbe(stream.FromSlice(count(0, 3)))
	obs := rx.ToObservable(loop, p)
	turn := func() {
		t.Helper()
		if _, err := driver.BlockOn(loop, future.Yield()); err != nil {
			t.Fatalf("BlockOn(Yield) = %v", err)
		}
	}
	turn()
	if n := p.items.Load(); n != 0 {
		t.Fatalf("the stream yielded %d items before the Observable was observed; want 0", n)
	}
	ch := obs.Observe()
	var got []int
	for len(got) < 3 {
		turn()
		select {
		case it := <-ch:
			got = append(got, it.V.(int))
		case <-time.After(time.Millisecond):
		}
	}
	turn()
	if _, ok := <-ch; ok {
		t.Errorf("Observe() went on after the end; want it closed")
	}
	if diff := cmp.Diff([]int{0, 1, 2}, got); diff != "" {
		t.Errorf("Observe() mismatch (-want +got):\n%s", diff)
	}
	if n := p.closes.Load(); n != 1 {
		t.Errorf("stream closed %d time(s) after its end; want 1", n)
	}
}

// TestToObservableBackPressure checks that a stream is polled at most the
// buffer ahead of an observer that does not read.
func TestToObservableBackPressure(t *testing.T) {
	loop, _ := startLoop(t)
	naturals := stream.Unfold(0, func(n int) (int, int, bool) { return n, n + 1, true })
	p := newProbe(naturals)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := rx.ToObservable(loop, p).Observe(rxgo.WithContext(ctx))
	// In flight: the buffer, one item in the producer's hand blocked on
	// rxgo's channel, and one polled by the task waiting for room.
	const limit = rx.DefaultBuffer + 2
	waitFor(t, "the stream to fill the buffer", func() bool { return p.items.Load() >= limit })
	time.Sleep(20 * time.Millisecond) // give an unbounded task time to run ahead
	if n := p.items.Load(); n != limit {
		t.Errorf("stream yielded %d items with none read; want %d", n, limit)
	}
	var got []int
	for range 200 {
		got = append(got, (<-ch).V.(int))
	}
	if diff := cmp.Diff(count(0, 200), got); diff != "" {
		t.Errorf("Observe() mismatch (-want +got):\n%s", diff)
	}
	waitFor(t, "the task to refill the buffer", func() bool { return p.items.Load() >= 200+limit })
	cancel()
	waitFor(t, "the disposed task to close the stream", func() bool { return p.closes.Load() == 1 })
}

// TestToObservableDispose cancels the observer's context: the task is woken,
// closes the stream and ends, and the Observable's channel closes.
func TestToObservableDispose(t *testing.T) {
	tests := []struct {
		name   string
		stream func() stream.Stream[int]
	}{
		{name: "parked", stream: parkForever[int]},
		{name: "always ready", stream: func() stream.Stream[int] {
			return stream.Unfold(0, func(n int) (int, int, bool) { return n, n + 1, true })
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			loop, _ := startLoop(t)
			p := newProbe(tc.stream())
			ctx, cancel := context.WithCancel(context.Background())
			ch := rx.ToObservable(loop, p).Map(times(1)).Observe(rxgo.WithContext(ctx))
			for range 3 {
				select {
				case <-ch:
				case <-p.parked:
				}
			}
			cancel()
			deadline := time.After(5 * time.Second)
		drain:
			for {
				select {
				case _, ok := <-ch:
					if !ok {
						break drain
					}
				case <-deadline:
					t.Fatalf("Observe() channel still open 5s after the context was cancelled")
				}
			}
			waitFor(t, "the disposed task to close the stream", func() bool { return p.closes.Load() == 1 })
		})
	}
}

// TestToObservableCancelsSource disposes an observer of a stream read from
// another Observable: the task closes the ObservableStream, which cancels
// the upstream subscription (the cleanup of startLoop checks rxgo's
// goroutines end).
func TestToObservableCancelsSource(t *testing.T) {
	loop, _ := startLoop(t)
	ctx, cancel := context.WithCancel(context.Background())
	src := rx.FromObservable[int](rxgo.Range(0, 1_000_000).Map(times(2)))
	ch := rx.ToObservable(loop, src).Observe(rxgo.WithContext(ctx))
	var got []int
	for range 5 {
		got = append(got, (<-ch).V.(int))
	}
	cancel()
	if diff := cmp.Diff([]int{0, 2, 4, 6, 8}, got); diff != "" {
		t.Errorf("Observe() mismatch (-want +got):\n%s", diff)
	}
}

func TestToObservableObservedTwice(t *testing.T) {
	loop, _ := startLoop(t)
	obs := rx.ToObservable(loop, stream.Of(1, 2))
	first := observeAll[int](t, obs)
	second := observeAll[int](t, obs)
	if diff := cmp.Diff(outcome[int]{Values: []int{1, 2}}, first); diff != "" {
		t.Errorf("first Observe() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(outcome[int]{Errs: []string{rx.ErrAlreadyObserved.Error()}}, second); diff != "" {
		t.Errorf("second Observe() mismatch (-want +got):\n%s", diff)
	}
}

func TestToObservablePanic(t *testing.T) {
	loop, logs := startLoop(t)
	n := 0
	s := stream.PollFn(func(*future.Context) stream.Poll[int] {
		if n++; n == 3 {
			panic("stream broke")
		}
		return stream.Item(n)
	})
	p := newProbe(s)
	got := observeAll[int](t, rx.ToObservable(loop, p))
	want := outcome[int]{Values: []int{1, 2}, Errs: []string{"future: *rx_test.probe[int] panicked: stream broke"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Observe(panicking stream) mismatch (-want +got):\n%s", diff)
	}
	if n := p.closes.Load(); n != 1 {
		t.Errorf("stream closed %d time(s) after its panic; want 1", n)
	}
	waitFor(t, "the driver to report the panic", func() bool { return strings.Contains(logs.String(), "stream broke") })
	// The error item is the module's one panic error, naming the stream.
	var pe *future.PanicError
	for it := range rx.ToObservable(loop, stream.PollFn(func(*future.Context) stream.Poll[int] { panic(errBad) })).Observe() {
		if it.E != nil && (!errors.As(it.E, &pe) || !errors.Is(it.E, errBad) || pe.Future == "" || len(pe.Stack) == 0) {
			t.Errorf("error item %#v; want a *future.PanicError with the stream's type and stack, wrapping errBad", it.E)
		}
	}
	if pe == nil {
		t.Errorf("no error item from a panicking stream; want a *future.PanicError")
	}
}

// TestToObservableLoopClosed closes the loop while its task waits on the
// stream: the observer gets ErrTaskDropped once the task is collected.
func TestToObservableLoopClosed(t *testing.T) {
	logs := &logBook{}
	loop, err := driver.New(driver.Config{Logf: logs.logf})
	if err != nil {
		t.Fatalf("driver.New() = %v", err)
	}
	p := newProbe(parkForever[int]())
	ch := rx.ToObservable(loop, p).Observe()
	done := make(chan error, 1)
	go func() {
		_, err := driver.BlockOn(loop, future.Never[struct{}]())
		done <- err
	}()
	<-p.parked
	loop.Stop()
	<-done
	loop.Close()
	got := make(chan []rxgo.Item, 1)
	go func() {
		var items []rxgo.Item
		for it := range ch {
			items = append(items, it)
		}
		got <- items
	}()
	checkNoLeaks(t) // runs the collector, which finds the dropped task
	want := []rxgo.Item{rxgo.Error(rx.ErrTaskDropped)}
	if diff := cmp.Diff(want, <-got, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("Observe() after loop.Close mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(logs.String(), "rx.pump") {
		t.Errorf("loop.Close() did not report the cancelled task; logs:\n%s", logs)
	}
}
