package listener_test

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
	"github.com/eddyio/eddy/stream"
)

func TestBindTCPErrors(t *testing.T) {
	taken := bind(t).Addr().String()
	tests := []struct {
		addr    string
		want    error  // wrapped, if not nil
		message string // in the error text
	}{
		{"127.0.0.1", nil, "missing port"},
		{"127.0.0.1:99999", nil, "port"},
		{"127.0.0.1:http-nonsense", nil, "unknown port"},
		{taken, syscall.EADDRINUSE, "address already in use"},
	}
	for _, tt := range tests {
		l, err := listener.BindTCP(tt.addr)
		if err == nil {
			l.Close()
			t.Errorf("BindTCP(%q) = nil error; want one", tt.addr)
			continue
		}
		var oe *net.OpError
		if !errors.As(err, &oe) || oe.Op != "listen" {
			t.Errorf("BindTCP(%q) = %v (%T); want a *net.OpError for listen", tt.addr, err, err)
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("BindTCP(%q) = %v; want it to wrap %v", tt.addr, err, tt.want)
		}
		if !strings.Contains(err.Error(), tt.message) {
			t.Errorf("BindTCP(%q) = %q; want it to say %q", tt.addr, err, tt.message)
		}
	}
}

func TestAccept(t *testing.T) {
	loop := loopkit.StartLoop(t)
	l := bind(t)
	acc := l.Accept()
	ch := loopkit.Spawn(loop, acc)
	c := dial(t, l)
	s, err := loopkit.Await(t, ch)
	if err != nil {
		t.Fatalf("Accept() = %v", err)
	}
	defer s.Close()
	if got, want := s.RemoteAddr().String(), c.LocalAddr().String(); got != want {
		t.Errorf("accepted RemoteAddr() = %s; want %s", got, want)
	}
	if got, want := s.LocalAddr().String(), l.Addr().String(); got != want {
		t.Errorf("accepted LocalAddr() = %s; want %s", got, want)
	}
	c.Write([]byte("ping"))
	buf := make([]byte, 4)
	if _, err := loopkit.Await(t, loopkit.Spawn(loop, readExact(s, buf))); err != nil || string(buf) != "ping" {
		t.Errorf("read from accepted stream = %q, %v; want %q", buf, err, "ping")
	}
	if _, err := loopkit.Await(t, loopkit.Spawn(loop, acc)); !errors.Is(err, future.ErrPolledAfterCompletion) {
		t.Errorf("Accept polled again = %v; want ErrPolledAfterCompletion", err)
	}
}

func readExact(s *socket.TCPStream, buf []byte) future.Future[int] {
	n := 0
	return future.PollFn(func(cx *future.Context) future.Poll[int] {
		for n < len(buf) {
			p := s.PollRead(cx, buf[n:])
			if p.IsPending() || p.Err() != nil {
				return p
			}
			n += p.Value()
		}
		return future.Ok(n)
	})
}

// collect is a future that takes the items of s until its end.
func collect[T any](s stream.Stream[T], each func(T, error)) future.Future[int] {
	n := 0
	return future.PollFn(func(cx *future.Context) future.Poll[int] {
		for {
			p := s.PollNext(cx)
			switch {
			case p.IsPending():
				return future.Pending[int]()
			case p.IsEnd():
				return future.Ok(n)
			}
			n++
			each(p.Result())
		}
	})
}

func TestIncomingEndsWhenClosed(t *testing.T) {
	loop := loopkit.StartLoop(t)
	l := bind(t)
	accepted := make(chan *socket.TCPStream, 10)
	ch := loopkit.Spawn(loop, collect(l.Incoming(), func(s *socket.TCPStream, err error) {
		if err != nil {
			t.Errorf("Incoming item error: %v", err)
			return
		}
		accepted <- s
	}))
	const clients = 3
	for range clients {
		dial(t, l)
		select {
		case s := <-accepted:
			s.Close()
		case <-time.After(10 * time.Second):
			t.Fatal("connection not accepted after 10s")
		}
	}
	if err := l.Close(); err != nil { // wakes the parked stream
		t.Fatalf("Close() = %v", err)
	}
	n, err := loopkit.Await(t, ch)
	if n != clients || err != nil {
		t.Errorf("Incoming until Close = %d items, %v; want %d, nil", n, err, clients)
	}
	if err := l.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("second Close() = %v; want net.ErrClosed", err)
	}
}

func TestAcceptOutsideDriver(t *testing.T) {
	l := bind(t)
	p := l.Accept().Poll(future.NewContext(nil, nil))
	if err := p.Err(); err == nil || !strings.Contains(err.Error(), "driver.Run") {
		t.Errorf("Accept outside a driver = %v; want an error that mentions driver.Run", err)
	}
}

// scripted is a stream that answers from a script, noting when it is
// polled, and ends when the script runs out.
type scripted struct {
	steps []stream.Poll[int]
	polls []time.Time
}

func (s *scripted) PollNext(cx *future.Context) stream.Poll[int] {
	s.polls = append(s.polls, time.Now())
	if len(s.steps) == 0 {
		return stream.End[int]()
	}
	p := s.steps[0]
	s.steps = s.steps[1:]
	return p
}

func TestKeepAccepting(t *testing.T) {
	emfile := &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	aborted := &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.ECONNABORTED)}
	src := &scripted{steps: []stream.Poll[int]{
		stream.Fail[int](emfile),  // pause MinBackoff
		stream.Fail[int](emfile),  // pause 2*MinBackoff
		stream.Item(1),            // resets the pause
		stream.Fail[int](aborted), // no pause
		stream.Item(2),
		stream.Fail[int](emfile), // pause MinBackoff again
		stream.Item(3),
	}}
	var got []int
	n, err := driver.RunWith(driver.Config{DetectStalls: true, Logf: t.Logf}, collect(listener.KeepAccepting[int](src), func(v int, err error) {
		if err != nil {
			t.Errorf("KeepAccepting let an error through: %v", err)
		}
		got = append(got, v)
	}))
	if err != nil || n != 3 || fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("KeepAccepting = %v (%d items), %v; want [1 2 3], nil", got, n, err)
	}
	if len(src.polls) != 8 {
		t.Fatalf("source polled %d times; want 8", len(src.polls))
	}
	// The pause after poll i, at least (the timers never fire early).
	minGap := map[int]time.Duration{0: listener.MinBackoff, 1: 2 * listener.MinBackoff, 5: listener.MinBackoff}
	for i, d := range minGap {
		if gap := src.polls[i+1].Sub(src.polls[i]); gap < d {
			t.Errorf("source polled again %v after poll %d (EMFILE); want a pause of at least %v", gap, i, d)
		}
	}
}

// TestAcceptEMFILE runs out of descriptors for real, in a child process
// (RLIMIT_NOFILE is process-wide): the failed accept is an item error of
// Incoming, which goes on and accepts the connection once a descriptor is
// free.
func TestAcceptEMFILE(t *testing.T) {
	if os.Getenv("EDDY_EMFILE_CHILD") == "1" {
		acceptEMFILEChild(t)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAcceptEMFILE$", "-test.v")
	cmd.Env = append(os.Environ(), "EDDY_EMFILE_CHILD=1")
	cmd.WaitDelay = time.Second
	timer := time.AfterFunc(30*time.Second, func() { cmd.Process.Kill() })
	defer timer.Stop()
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestAcceptEMFILE") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("child:\n%s", out)
}

func acceptEMFILEChild(t *testing.T) {
	l := bind(t)
	c := dial(t, l) // waits in the backlog
	loop, err := driver.New(driver.Config{DetectStalls: true, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer loop.Close()

	// Use up every descriptor under a low limit.
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	var fillers []int
	defer func() {
		for _, fd := range fillers {
			unix.Close(fd)
		}
	}()
	lim := old
	lim.Cur = 256
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatalf("Setrlimit: %v", err)
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &old)
	for {
		fd, err := unix.Dup(0)
		if err == unix.EMFILE {
			break
		}
		if err != nil {
			t.Fatalf("dup: %v", err)
		}
		fillers = append(fillers, fd)
	}

	in := l.Incoming()
	freed := false
	s, err := driver.BlockOn(loop, future.PollFn(func(cx *future.Context) future.Poll[*socket.TCPStream] {
		p := in.PollNext(cx)
		if p.IsPending() {
			return future.Pending[*socket.TCPStream]() // until the poller reports the listener
		}
		if freed {
			return future.Result(p.Result())
		}
		if !p.IsItem() || !errors.Is(p.Err(), syscall.EMFILE) {
			return future.Fail[*socket.TCPStream](fmt.Errorf("Incoming out of descriptors = item %v, end %v, err %v; want an item error wrapping EMFILE", p.IsItem(), p.IsEnd(), p.Err()))
		}
		var oe *net.OpError
		if !errors.As(p.Err(), &oe) || oe.Op != "accept" {
			return future.Fail[*socket.TCPStream](fmt.Errorf("accept error %v is not a *net.OpError for accept", p.Err()))
		}
		// Free a descriptor: the stream goes on and accepts.
		unix.Close(fillers[len(fillers)-1])
		fillers = fillers[:len(fillers)-1]
		freed = true
		p = in.PollNext(cx)
		if p.IsPending() {
			return future.Pending[*socket.TCPStream]()
		}
		return future.Result(p.Result())
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := s.RemoteAddr().String(), c.LocalAddr().String(); got != want {
		t.Errorf("accepted %s; want %s", got, want)
	}
}

// bind returns a listener on a free port of 127.0.0.1, closed when the
// test ends.
func bind(t testing.TB) *listener.TCPListener {
	t.Helper()
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatalf("BindTCP: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// dial connects a net.Conn client to l, closed when the test ends.
func dial(t testing.TB, l *listener.TCPListener) *net.TCPConn {
	t.Helper()
	c, err := net.DialTimeout("tcp", l.Addr().String(), 10*time.Second)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*net.TCPConn)
}

// TestBindTCPAddrInvalidIP: an IP that is neither 4 nor 16 bytes long is
// an error, as in package net; it used to bind the unspecified address,
// every interface.
func TestBindTCPAddrInvalidIP(t *testing.T) {
	for _, network := range []string{"tcp", "tcp6"} {
		l, err := listener.TCPConfig{Network: network}.BindAddr(&net.TCPAddr{IP: net.IP{127, 0, 1}})
		if err == nil {
			t.Errorf("BindAddr(%s, 3-byte IP) bound %v; want an error", network, l.Addr())
			l.Close()
			continue
		}
		var ae *net.AddrError
		if !errors.As(err, &ae) || !strings.Contains(err.Error(), "invalid IP address") {
			t.Errorf("BindAddr(%s, 3-byte IP) = %v; want a *net.AddrError saying invalid IP address", network, err)
		}
	}
}
