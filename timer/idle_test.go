package timer_test

import (
	"errors"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/timer"
)

// TestIdleReaderTimesOutASilentPeer: a copy from a peer that sends one
// message and then falls silent ends with the idle timeout, after the
// message was copied, and leaves no timer armed.
func TestIdleReaderTimesOutASilentPeer(t *testing.T) {
	l, a, b := loopAndPair(t)
	sink := &sliceWriter{}
	idle := timer.IdleReader(a, 20*time.Millisecond)
	f := combinators.AndThen(aio.WriteAll(b, []byte("hello")), func(int) future.Future[int64] {
		return iocopy.Copy(idle, sink)
	})
	n, err := loopkit.Block(t, l, f)
	var te *timer.TimeoutError
	if !errors.Is(err, timer.ErrTimeout) || !errors.As(err, &te) || te.What != "read" || te.After != 20*time.Millisecond {
		t.Fatalf("Copy through IdleReader = %d, %v; want a *TimeoutError for read after 20ms", n, err)
	}
	if string(sink.b) != "hello" {
		t.Errorf("copied %q before the timeout; want %q", sink.b, "hello")
	}
	if got := timer.TimersArmed(l); got != 0 {
		t.Errorf("%d timers armed after the timeout; want 0", got)
	}
}

// TestIdleReaderKeepsATalkingPeer: a peer that sends every 5 ms for 20
// messages never reaches a 200 ms idle timeout; the copy ends with the
// peer's EOF and every byte.
func TestIdleReaderKeepsATalkingPeer(t *testing.T) {
	l, a, b := loopAndPair(t)
	sink := &sliceWriter{}
	talk := combinators.Loop(0, func(i int) (future.Future[int], bool) {
		if i == 20 {
			return nil, false
		}
		return combinators.AndThen(timer.Sleep(5*time.Millisecond), func(struct{}) future.Future[int] {
			return combinators.Map(aio.WriteAll(b, []byte("x")), func(int) int { return i + 1 })
		}), true
	})
	talker := combinators.AndThen(talk, func(int) future.Future[struct{}] { return aio.Shutdown(b) })
	j := combinators.Join(talker, iocopy.Copy(timer.IdleReader(a, 200*time.Millisecond), sink))
	got, err := loopkit.Block(t, l, j)
	if err != nil || got.Second != 20 || len(sink.b) != 20 {
		t.Fatalf("Join = %+v, %v, %d bytes; want 20 bytes copied and no error", got, err, len(sink.b))
	}
	if n := timer.TimersArmed(l); n != 0 {
		t.Errorf("%d timers armed after the copy ended; want 0 (the idle timer leaves with the data)", n)
	}
}

// loopAndPair returns a checked loop and a connected pair of Unix stream
// sockets, closed when the test ends.
func loopAndPair(t *testing.T) (*driver.Loop, *socket.UnixStream, *socket.UnixStream) {
	t.Helper()
	l := loopkit.CheckedLoop(t)
	a, b, err := socket.UnixPair()
	if err != nil {
		t.Fatalf("UnixPair() = %v", err)
	}
	t.Cleanup(func() {
		a.Close()
		b.Close()
	})
	return l, a, b
}

// sliceWriter is an AsyncWriter that appends to a slice.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) PollWrite(_ *future.Context, p []byte) future.Poll[int] {
	w.b = append(w.b, p...)
	return future.Ok(len(p))
}
func (w *sliceWriter) PollFlush(*future.Context) future.Poll[struct{}] { return future.Ok(struct{}{}) }
func (w *sliceWriter) PollShutdown(*future.Context) future.Poll[struct{}] {
	return future.Ok(struct{}{})
}
