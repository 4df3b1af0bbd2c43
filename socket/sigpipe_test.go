package socket_test

import (
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/socket"
)

// sigpipeWatch makes the process deliver SIGPIPE to a channel (with
// signal.Notify, Go delivers it whichever descriptor the write was on) and
// returns a function that reports whether one arrived since. The signal is
// synchronous, raised before the write returns; to know that none is still
// on its way, the check sends the process a marker signal numbered above
// SIGPIPE, which os/signal hands over after any SIGPIPE pending with it.
func sigpipeWatch(t *testing.T) (raised func() bool) {
	t.Helper()
	ch := make(chan os.Signal, 16)
	signal.Notify(ch, syscall.SIGPIPE, syscall.SIGWINCH)
	t.Cleanup(func() { signal.Stop(ch) })
	return func() bool {
		t.Helper()
		if err := syscall.Kill(os.Getpid(), syscall.SIGWINCH); err != nil {
			t.Fatalf("kill(SIGWINCH): %v", err)
		}
		got := false
		timeout := time.After(10 * time.Second)
		for {
			select {
			case s := <-ch:
				if s == syscall.SIGPIPE {
					got = true
					continue
				}
				return got
			case <-timeout:
				t.Fatal("the marker signal did not arrive in 10s")
			}
		}
	}
}

// TestWriteRaisesNoSIGPIPE writes to stream sockets whose write side is
// shut down: every write fails with EPIPE, and none may raise SIGPIPE (a
// process that does not ignore it would die on a peer's reset).
func TestWriteRaisesNoSIGPIPE(t *testing.T) {
	loop := loopkit.StartLoop(t)
	raised := sigpipeWatch(t)
	tcp, _ := pair(t)
	ua, ub, err := socket.UnixPair()
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	defer ub.Close()
	msg := []byte("after shutdown")
	checks := []struct {
		name  string
		shut  func() error
		write func(cx *future.Context) future.Poll[int]
	}{
		{"TCPStream.PollWrite", tcp.CloseWrite, func(cx *future.Context) future.Poll[int] { return tcp.PollWrite(cx, msg) }},
		{"TCPStream.PollWriteVectored", tcp.CloseWrite, func(cx *future.Context) future.Poll[int] {
			return tcp.PollWriteVectored(cx, [][]byte{msg[:5], msg[5:]})
		}},
		{"UnixStream.PollWrite", ua.CloseWrite, func(cx *future.Context) future.Poll[int] { return ua.PollWrite(cx, msg) }},
	}
	for _, c := range checks {
		if err := c.shut(); err != nil {
			t.Fatalf("%s: CloseWrite() = %v", c.name, err)
		}
		_, err := loopkit.Await(t, loopkit.Spawn(loop, future.PollFn(c.write)))
		checkOpError(t, err, "write", syscall.EPIPE)
		if raised() {
			t.Errorf("%s after CloseWrite raised SIGPIPE; want EPIPE only", c.name)
		}
	}
}
