package driver_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// abandonable is a task that never completes and records being abandoned.
type abandonable struct{ abandoned *int }

func (a abandonable) Poll(cx *future.Context) future.Poll[struct{}] {
	cx.Waker()
	return future.Pending[struct{}]()
}

func (a abandonable) Abandon() { *a.abandoned++ }

// TestCloseAbandonsCancelledTasks: the tasks Close cancels are told
// (contract 11), each once, and a timer they hold leaves the loop's wheel.
func TestCloseAbandonsCancelledTasks(t *testing.T) {
	l, err := driver.New(driver.Config{Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	var n1, n2 int
	l.Spawn(abandonable{&n1})
	l.Spawn(abandonable{&n2})
	l.Spawn(driver.Sleep(time.Hour))
	if _, err := loopkit.Block(t, l, future.Yield()); err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	if got := driver.TimersArmed(l); got != 1 {
		t.Fatalf("TimersArmed() = %d with one Sleep pending; want 1", got)
	}
	var se *driver.ShutdownError
	if err := l.Close(); !errors.As(err, &se) || len(se.Cancelled) != 3 {
		t.Fatalf("Close() = %v; want a ShutdownError naming 3 tasks", err)
	}
	if n1 != 1 || n2 != 1 {
		t.Errorf("cancelled tasks abandoned %d and %d times; want 1 each", n1, n2)
	}
	if got := driver.TimersArmed(l); got != 0 {
		t.Errorf("TimersArmed() = %d after Close; want 0", got)
	}
}

// TestSleepAbandonedLeavesWheel: an abandoned Sleep leaves the loop's
// timers at once.
func TestSleepAbandonedLeavesWheel(t *testing.T) {
	l := newLoop(t, driver.Config{DetectStalls: true})
	s := driver.Sleep(time.Hour)
	var armed int
	loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		if p := s.Poll(cx); !p.IsPending() {
			t.Errorf("Sleep(1h).Poll() = ready")
		}
		armed = driver.TimersArmed(l)
		future.Abandon(s)
		return future.Ok(struct{}{})
	}))
	if armed != 1 || driver.TimersArmed(l) != 0 {
		t.Errorf("TimersArmed() = %d while pending, %d after Abandon; want 1, 0", armed, driver.TimersArmed(l))
	}
}

type panicky struct{}

func (panicky) Poll(cx *future.Context) future.Poll[struct{}] {
	cx.Waker()
	return future.Pending[struct{}]()
}

func (panicky) Abandon() { panic("boom in Abandon") }

// TestCloseSurvivesPanickingAbandon: a panic in a task's Abandon is
// reported, and Close goes on with the other tasks.
func TestCloseSurvivesPanickingAbandon(t *testing.T) {
	var logs []string
	l, err := driver.New(driver.Config{Logf: func(format string, args ...any) {
		logs = append(logs, fmt.Sprintf(format, args...))
	}})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	l.Spawn(panicky{})
	l.Spawn(abandonable{&n})
	loopkit.Block(t, l, future.Yield())
	var se *driver.ShutdownError
	if err := l.Close(); !errors.As(err, &se) || len(se.Cancelled) != 2 {
		t.Fatalf("Close() = %v; want a ShutdownError naming 2 tasks", err)
	}
	if n != 1 {
		t.Errorf("the other task was abandoned %d times; want 1", n)
	}
	if !strings.Contains(strings.Join(logs, "\n"), "boom in Abandon") {
		t.Errorf("the panic was not reported; logs:\n%s", strings.Join(logs, "\n"))
	}
}
