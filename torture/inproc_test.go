//go:build linux

package torture

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// inproc is a server on a runtime of this process, for the scenarios
// that need to see inside it: the driver's reports, the tasks' outcomes.
type inproc struct {
	rt   *driver.Runtime
	srv  *listener.Server
	addr string
	ran  chan error

	mu      sync.Mutex
	panics  []*future.PanicError // the driver's reports of panicked tasks
	reports []string             // its other reports
}

// startInproc serves handle on two loops of a new runtime; the runtime
// is shut down, and must have had nothing to cancel, when the test ends.
func startInproc(t *testing.T, handle func(*socket.TCPStream) future.Future[struct{}]) *inproc {
	t.Helper()
	s := &inproc{ran: make(chan error, 1)}
	rt, err := driver.NewRuntime(driver.RuntimeConfig{Loops: 2,
		Config: driver.Config{ShutdownTimeout: 10 * time.Second, Logf: s.logf}})
	if err != nil {
		t.Fatal(err)
	}
	s.rt = rt
	if s.srv, err = listener.BindServer(rt, "127.0.0.1:0"); err != nil {
		rt.Shutdown(t.Context())
		t.Fatal(err)
	}
	s.addr = s.srv.Addr().String()
	go func() { s.ran <- rt.Run(s.srv.Serve(handle)) }()
	t.Cleanup(func() {
		s.srv.Close()
		select {
		case err := <-s.ran:
			if err != nil {
				t.Errorf("runtime: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("runtime still running 30 s after its server closed")
		}
	})
	return s
}

// logf receives the driver's reports.
func (s *inproc) logf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range args {
		var pe *future.PanicError
		if err, ok := a.(error); ok && errors.As(err, &pe) {
			s.panics = append(s.panics, pe)
			return
		}
	}
	s.reports = append(s.reports, format)
}

// registered is the number of descriptors the runtime's loops hold.
func (s *inproc) registered() int {
	n := 0
	for _, st := range s.rt.Stats() {
		n += st.Registered
	}
	return n
}

// tasks is the number of live tasks of the runtime's loops.
func (s *inproc) tasks() int {
	n := 0
	for _, st := range s.rt.Stats() {
		n += st.Tasks
	}
	return n
}

// waitIdle waits until the loops hold only the listeners (two) and run
// only the server's tasks (its acceptor on each loop and Run's), failing
// the test after timeout.
func (s *inproc) waitIdle(t *testing.T, timeout time.Duration) {
	t.Helper()
	for end := time.Now().Add(timeout); s.registered() != 2 || s.tasks() != 3; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("loops hold %d descriptors and %d tasks %v after the clients are done; want 2 and 3 (the server's)", s.registered(), s.tasks(), timeout)
		}
	}
}
