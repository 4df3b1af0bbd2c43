package rx_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reactivex/rxgo/v2"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// logBook collects a loop's reports; it is safe from any goroutine and
// outlives the test that made it.
type logBook struct {
	mu    sync.Mutex
	lines []string
}

func (l *logBook) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logBook) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// startLoop returns a loop driven on its own goroutine until the test ends,
// with the stall detector on. The cleanup stops and closes it and checks
// that no goroutine of the loop, of package rx or of rxgo is left.
func startLoop(t *testing.T) (*driver.Loop, *logBook) {
	t.Helper()
	logs := &logBook{}
	loop, err := driver.New(driver.Config{DetectStalls: true, Logf: logs.logf})
	if err != nil {
		t.Fatalf("driver.New() = %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := driver.BlockOn(loop, future.Never[struct{}]())
		done <- err
	}()
	t.Cleanup(func() {
		loop.Stop()
		if err := <-done; !errors.Is(err, driver.ErrStopped) {
			t.Errorf("BlockOn() = %v; want %v", err, driver.ErrStopped)
		}
		loop.Close()
		if strings.Contains(logs.String(), "without arranging a wake-up") {
			t.Errorf("the loop reported a stall:\n%s", logs)
		}
		checkNoLeaks(t)
	})
	return loop, logs
}

// leakMarkers are the frames of goroutines that must be gone after a test.
var leakMarkers = []string{
	"github.com/reactivex/rxgo/",
	"github.com/teivah/onecontext",
	"github.com/eddyio/eddy/rx.",
	"github.com/eddyio/eddy/driver.",
}

// leaked returns the stacks of the goroutines, other than the caller's, that
// run code of rxgo, package rx or the driver.
func leaked() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i == 0 {
			continue // this goroutine
		}
		for _, m := range leakMarkers {
			if strings.Contains(g, m) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// checkNoLeaks waits, for at most five seconds, until no goroutine of rxgo,
// package rx or the driver is left, running the garbage collector so that
// the cleanups of dropped streams run.
func checkNoLeaks(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := leaked()
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutine(s) left after 5s:\n\n%s", len(left), strings.Join(left, "\n\n"))
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
}

// waitFor polls cond until it holds, for at most five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 5s waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// outcome is everything a stream or an Observable produced, errors as
// their messages.
type outcome[T any] struct {
	Values []T
	Errs   []string
}

// drain is a future that reads a stream to its end, keeping values and item
// errors.
type drain[T any] struct {
	s   stream.Stream[T]
	out outcome[T]
}

func (d *drain[T]) Poll(cx *future.Context) future.Poll[outcome[T]] {
	for {
		p := d.s.PollNext(cx)
		switch {
		case p.IsPending():
			return future.Pending[outcome[T]]()
		case p.IsEnd():
			return future.Ok(d.out)
		case p.Err() != nil:
			d.out.Errs = append(d.out.Errs, p.Err().Error())
		default:
			d.out.Values = append(d.out.Values, p.Value())
		}
	}
}

// runDrain reads s to its end on a new loop with the stall detector on.
func runDrain[T any](t *testing.T, s stream.Stream[T]) outcome[T] {
	t.Helper()
	out, err := driver.RunWith[outcome[T]](driver.Config{DetectStalls: true, Logf: t.Logf}, &drain[T]{s: s})
	if err != nil {
		t.Fatalf("driver.Run(drain) = %v", err)
	}
	return out
}

// observeAll reads an Observable to its completion, for at most five
// seconds.
func observeAll[T any](t *testing.T, obs rxgo.Observable, opts ...rxgo.Option) outcome[T] {
	t.Helper()
	var out outcome[T]
	timeout := time.After(5 * time.Second)
	ch := obs.Observe(opts...)
	for {
		select {
		case it, ok := <-ch:
			if !ok {
				return out
			}
			if it.E != nil {
				out.Errs = append(out.Errs, it.E.Error())
				continue
			}
			v, ok := it.V.(T)
			if !ok {
				t.Fatalf("Observe() item %v is %T; want %T", it.V, it.V, v)
			}
			out.Values = append(out.Values, v)
		case <-timeout:
			t.Fatalf("Observe() did not complete in 5s; got %+v so far", out)
		}
	}
}

// counting is an rxgo producer of 0, 1, 2, ... up to n-1 that counts the
// items rxgo took from it and whether it ran.
type counting struct {
	n       int
	started atomic.Int64
	sent    atomic.Int64
}

func (c *counting) produce(ctx context.Context, next chan<- rxgo.Item) {
	c.started.Add(1)
	for i := range c.n {
		if !rxgo.Of(i).SendContext(ctx, next) {
			return
		}
		c.sent.Add(1)
	}
}

func (c *counting) observable() rxgo.Observable {
	return rxgo.Defer([]rxgo.Producer{c.produce})
}

// probe wraps a stream: it counts the items it yields, records Close, and
// closes parked the first time the stream answers pending.
type probe[T any] struct {
	s        stream.Stream[T]
	items    atomic.Int64
	closes   atomic.Int64
	parked   chan struct{}
	parkOnce sync.Once
}

func newProbe[T any](s stream.Stream[T]) *probe[T] {
	return &probe[T]{s: s, parked: make(chan struct{})}
}

func (p *probe[T]) PollNext(cx *future.Context) stream.Poll[T] {
	r := p.s.PollNext(cx)
	switch {
	case r.IsPending():
		p.parkOnce.Do(func() { close(p.parked) })
	case r.IsItem():
		p.items.Add(1)
	}
	return r
}

func (p *probe[T]) Close() error {
	p.closes.Add(1)
	return nil
}

// parkForever is a stream that is never ready; it takes the waker so that
// the stall detector does not report it.
func parkForever[T any]() stream.Stream[T] {
	return stream.PollFn(func(cx *future.Context) stream.Poll[T] {
		cx.Waker()
		return stream.Pending[T]()
	})
}
