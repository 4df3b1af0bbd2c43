package signal_test

import (
	"errors"
	"os"
	"syscall"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/signal"
	"github.com/eddyio/eddy/stream"
)

func TestMain(m *testing.M) { os.Exit(leaktest.Check(m)) }

// raise sends sig to the process when polled, after the futures polled
// before it in the same Join have started listening.
func raise(sig syscall.Signal) future.Future[struct{}] {
	return future.Lazy(func() (struct{}, error) {
		return struct{}{}, syscall.Kill(os.Getpid(), sig)
	})
}

func TestStreamReceivesSignals(t *testing.T) {
	leaktest.Goroutines(t)
	loop := loopkit.NewLoop(t)
	s := signal.Stream(syscall.SIGUSR1, syscall.SIGUSR2)
	defer s.Close()
	both := combinators.AndThen(raise(syscall.SIGUSR1), func(struct{}) future.Future[struct{}] { return raise(syscall.SIGUSR2) })
	got, err := loopkit.Block(t, loop, combinators.Join(combinators.Collect(combinators.Take(s, 2)), both))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.First) != 2 {
		t.Fatalf("received %v; want SIGUSR1 and SIGUSR2", got.First)
	}
	seen := map[os.Signal]bool{got.First[0]: true, got.First[1]: true}
	if !seen[syscall.SIGUSR1] || !seen[syscall.SIGUSR2] {
		t.Errorf("received %v; want SIGUSR1 and SIGUSR2", got.First)
	}
	s.Close()
	if p := s.PollNext(future.NewContext(nil, nil)); !p.IsEnd() {
		t.Errorf("PollNext after Close is not the end")
	}
}

func TestStreamIsLazy(t *testing.T) {
	leaktest.Goroutines(t)
	s := signal.Stream(syscall.SIGUSR1)
	// Not polled: nothing relays, and Close has nothing to stop.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	var _ stream.Stream[os.Signal] = s
}

func TestFirstInSelectWithServer(t *testing.T) {
	leaktest.Goroutines(t)
	loop := loopkit.NewLoop(t)
	server := combinators.Map(future.Never[struct{}](), func(struct{}) os.Signal { return nil })
	stop := signal.First(syscall.SIGHUP, syscall.SIGUSR1)
	sel := combinators.Select(server, stop)
	got, err := loopkit.Block(t, loop, combinators.Join(sel, raise(syscall.SIGUSR1)))
	if err != nil {
		t.Fatal(err)
	}
	if got.First.Value != syscall.SIGUSR1 || got.First.Index != 1 {
		t.Errorf("Select = %+v; want SIGUSR1 from the second future", got.First)
	}
}

func TestCtrlC(t *testing.T) {
	leaktest.Goroutines(t)
	loop := loopkit.NewLoop(t)
	if _, err := loopkit.Block(t, loop, combinators.Join(signal.CtrlC(), raise(syscall.SIGINT))); err != nil {
		t.Fatal(err)
	}
}

func TestFirstClosedByLoop(t *testing.T) {
	leaktest.Goroutines(t)
	loop := loopkit.NewLoop(t)
	ch := loopkit.Spawn(loop, signal.First(syscall.SIGUSR2))
	if _, err := loopkit.Block(t, loop, future.Yield()); err != nil {
		t.Fatal(err)
	}
	// Closing the loop closes the stream (and stops its goroutine); the
	// task is cancelled, so nothing is delivered.
	loop.Close()
	select {
	case o := <-ch:
		if !errors.Is(o.Err, signal.ErrClosed) {
			t.Errorf("First after the loop closed = %v; want ErrClosed or nothing", o.Err)
		}
	default:
	}
}
