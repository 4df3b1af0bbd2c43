package driver_test

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

func TestMain(m *testing.M) { os.Exit(leaktest.Check(m)) }

// newLoop returns a loop closed at the end of the test; the test may close
// it earlier to inspect Close's result.
func newLoop(t *testing.T, cfg driver.Config) *driver.Loop {
	t.Helper()
	if cfg.Logf == nil {
		cfg.Logf = t.Logf
	}
	l, err := driver.New(cfg)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close() = %v; want nil", err)
		}
	})
	return l
}

// latch is a future that completes once Set is called, from any goroutine.
type latch struct {
	mu    sync.Mutex
	set   bool
	waker future.Waker
}

func (l *latch) Set() {
	l.mu.Lock()
	l.set = true
	w := l.waker
	l.waker = nil
	l.mu.Unlock()
	if w != nil {
		w.Wake()
	}
}

func (l *latch) Poll(cx *future.Context) future.Poll[struct{}] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.set {
		return future.Ok(struct{}{})
	}
	l.waker = cx.Waker()
	return future.Pending[struct{}]()
}

// logRecorder collects what the driver reports through Config.Logf.
type logRecorder struct {
	mu   sync.Mutex
	args [][]any
	msgs []string
}

func (r *logRecorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.args = append(r.args, args)
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *logRecorder) lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

// firstArg returns the first Logf argument of type E, if any.
func firstArg[E any](r *logRecorder) (E, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, args := range r.args {
		for _, a := range args {
			if e, ok := a.(E); ok {
				return e, true
			}
		}
	}
	var zero E
	return zero, false
}

// stuck answers pending without taking the waker: a lost wake-up.
type stuck struct{ polls int }

func (s *stuck) Poll(*future.Context) future.Poll[struct{}] {
	s.polls++
	return future.Pending[struct{}]()
}

// parked takes the waker and never wakes it: not a stall, just a task that
// waits forever (until Close cancels it).
type parked struct{}

func (parked) Poll(cx *future.Context) future.Poll[struct{}] {
	cx.Waker()
	return future.Pending[struct{}]()
}

// then polls f, then runs fn on the loop goroutine and completes.
type then struct {
	f  future.Future[struct{}]
	fn func()
}

func (t *then) Poll(cx *future.Context) future.Poll[struct{}] {
	p := t.f.Poll(cx)
	if p.IsReady() {
		t.fn()
	}
	return p
}

// seq polls its futures one after the other and completes with the last
// one's error.
type seq struct {
	fs []future.Future[struct{}]
}

func (s *seq) Poll(cx *future.Context) future.Poll[struct{}] {
	for len(s.fs) > 0 {
		p := s.fs[0].Poll(cx)
		if p.IsPending() {
			return p
		}
		if p.Err() != nil {
			return p
		}
		s.fs = s.fs[1:]
	}
	return future.Ok(struct{}{})
}

func seqOf(fs ...future.Future[struct{}]) future.Future[struct{}] { return &seq{fs: fs} }

// yields answers pending n times, waking itself each time, then completes.
func yields(n int) future.Future[struct{}] {
	fs := make([]future.Future[struct{}], n)
	for i := range fs {
		fs[i] = future.Yield()
	}
	return seqOf(fs...)
}

// waitSleeping waits until the loop is blocked in its poller, so that what
// the test does next has to wake it up.
func waitSleeping(l *driver.Loop) {
	deadline := time.Now().Add(loopkit.Timeout)
	for !driver.Sleeping(l) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(5 * time.Millisecond) // let it enter epoll_wait
}
