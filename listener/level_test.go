package listener_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// TestUnacceptedConnectionDoesNotSpinTheLoop: a connection waits in the
// backlog while nobody accepts it (KeepAccepting pausing after EMFILE, a
// server that stops polling Incoming). On Linux the listener is
// level-triggered, so every wait of the loop would report it again and the
// loop would never sleep; the second report that finds the first unused
// takes the listener out of the poller instead. The next accept puts it
// back and takes the connection.
func TestUnacceptedConnectionDoesNotSpinTheLoop(t *testing.T) {
	const nap = 100 * time.Millisecond
	loop := loopkit.CheckedLoop(t)
	l := bind(t)
	dial(t, l) // queued in the backlog: the kernel completes the handshake
	in := l.Incoming()
	var (
		stage  int
		sleep  future.Future[struct{}]
		before driver.Stats
		events uint64
	)
	_, err := loopkit.Block(t, loop, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		switch stage {
		case 0: // arm the listener; the poller reports the connection next
			if p := in.PollNext(cx); !p.IsPending() {
				return future.Fail[struct{}](fmt.Errorf("first PollNext = item %v, err %v; want pending until the poller reports", p.IsItem(), p.Err()))
			}
			stage = 1
			return future.Pending[struct{}]()
		case 1: // reported: leave the connection waiting for a while
			before = loop.Stats()
			sleep = driver.Sleep(nap)
			stage = 2
			fallthrough
		case 2:
			if sleep.Poll(cx).IsPending() {
				return future.Pending[struct{}]()
			}
			events = loop.Stats().Events - before.Events
			stage = 3
			fallthrough
		default:
			p := in.PollNext(cx)
			if p.IsPending() {
				return future.Pending[struct{}]()
			}
			if !p.IsItem() || p.Err() != nil {
				return future.Fail[struct{}](fmt.Errorf("PollNext after the pause = item %v, err %v; want the waiting connection", p.IsItem(), p.Err()))
			}
			p.Value().Close()
			return future.Ok(struct{}{})
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	// Unmuted, a level-triggered listener would be reported at every wait:
	// thousands in the pause. Muted, once or twice.
	if events > 8 {
		t.Errorf("the loop took %d readiness events while a connection waited unaccepted for %v; want a few", events, nap)
	}
}
