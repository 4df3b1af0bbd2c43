package servers

import (
	"sync/atomic"
	"time"

	"github.com/tidwall/evio"
)

// Evio starts a tidwall/evio echo server with loops event loops sharing
// one SO_REUSEPORT listener, reusing its input buffer.
func Evio(addr string, loops int) (string, func(), error) {
	addr, err := concrete(addr)
	if err != nil {
		return "", nil, err
	}
	var quit atomic.Bool
	var ev evio.Events
	ev.NumLoops = max(loops, 1)
	ev.Opened = func(evio.Conn) ([]byte, evio.Options, evio.Action) {
		return nil, evio.Options{ReuseInputBuffer: true}, evio.None
	}
	ev.Data = func(_ evio.Conn, in []byte) ([]byte, evio.Action) { return in, evio.None }
	// evio stops only from inside a callback: a tick looks for the request.
	ev.Tick = func() (time.Duration, evio.Action) {
		if quit.Load() {
			return 0, evio.Shutdown
		}
		return 20 * time.Millisecond, evio.None
	}
	done := make(chan error, 1)
	go func() { done <- evio.Serve(ev, "tcp://"+addr+"?reuseport=true") }()
	stop := func() {
		quit.Store(true)
		<-done
	}
	select {
	case err := <-done:
		return "", nil, err
	case <-time.After(50 * time.Millisecond): // serving, or still binding: the probe tells
	}
	return started(addr, stop)
}
