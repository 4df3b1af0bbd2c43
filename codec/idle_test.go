package codec_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// idleConns is the number of connections of TestIdleConnectionsHoldNoBuffer.
const idleConns = 10_000

// idleClientEnv names the variable that makes the test binary the client
// of TestIdleConnectionsHoldNoBuffer (TestIdleClient): its value is the
// server's address and the number of connections.
const idleClientEnv = "EDDY_CODEC_IDLE_CLIENT"

// TestIdleClient is not a test: run by TestIdleConnectionsHoldNoBuffer in
// a child process (so that the client's descriptors do not count against
// the server's limit), it opens the connections, sends one line on each,
// says "ready", and holds them until its standard input closes.
func TestIdleClient(t *testing.T) {
	spec := os.Getenv(idleClientEnv)
	if spec == "" {
		t.Skip("the client of TestIdleConnectionsHoldNoBuffer; run by it")
	}
	var addr string
	var n int
	var partial bool
	if _, err := fmt.Sscan(spec, &addr, &n, &partial); err != nil {
		t.Fatal(err)
	}
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	d := net.Dialer{Timeout: 30 * time.Second}
	for i := range n {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		conns = append(conns, c)
		msg := "hello " + strconv.Itoa(i) + "\n"
		if partial {
			msg += "and a partial line"
		}
		if _, err := c.Write([]byte(msg)); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	fmt.Println("ready")
	var b [1]byte
	os.Stdin.Read(b[:]) // until the server closes our stdin
}

// TestIdleConnectionsHoldNoBuffer: 10,000 framed connections over real
// loopback TCP sockets, each accepted from a listener, wrapped in a line
// stream and parked reading after its first line, hold no read buffer
// (contract 9). The clients live in a child process. As a control, 100
// connections whose peers also sent a partial line do hold one each (a
// partial frame is data).
func TestIdleConnectionsHoldNoBuffer(t *testing.T) {
	if os.Getenv(idleClientEnv) != "" {
		t.Skip("in the client process")
	}
	t.Run("idle", func(t *testing.T) { idleConnections(t, idleConns, false) })
	t.Run("partial lines", func(t *testing.T) { idleConnections(t, 100, true) })
}

func idleConnections(t *testing.T, n int, partial bool) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	if lim.Cur < lim.Max {
		raised := lim
		raised.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err == nil {
			t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim) })
			lim = raised
		}
	}
	if need := uint64(n + 200); uint64(lim.Cur) < need {
		n = int(lim.Cur) - 200
		t.Logf("RLIMIT_NOFILE is %d: %d connections instead of %d", lim.Cur, n, idleConns)
		if n < 100 {
			t.Skip("too few descriptors allowed")
		}
	}
	loop := loopkit.CheckedLoop(t)
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestIdleClient$")
	cmd.Env = append(os.Environ(), idleClientEnv+"="+l.Addr().String()+" "+strconv.Itoa(n)+" "+strconv.FormatBool(partial))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	clientDone := false
	defer func() {
		if !clientDone {
			stdin.Close()
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()

	type conn struct {
		s     *socket.TCPStream
		lines *codec.FramedRead[string]
	}
	conns := make([]*conn, 0, n)
	received, ended := 0, 0
	closed := false
	var mainWaker future.Waker
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	held := -1
	serve := future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		mainWaker = cx.Waker()
		for len(conns) < n {
			p := l.PollAccept(cx)
			if p.IsPending() {
				return future.Pending[struct{}]()
			}
			if err := p.Err(); err != nil {
				return future.Fail[struct{}](err)
			}
			c := &conn{s: p.Value()}
			c.lines = codec.ReadLines(c.s)
			conns = append(conns, c)
			want := "hello "
			cx.Executor().Spawn(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
				for {
					p := c.lines.PollNext(cx)
					switch {
					case p.IsPending():
						return future.Pending[struct{}]()
					case p.IsEnd():
						ended++
						if ended == n {
							mainWaker.Wake()
						}
						return future.Ok(struct{}{})
					case p.Err() != nil:
						continue // the close at the end of the test
					}
					if line := p.Value(); len(line) < len(want) || line[:len(want)] != want {
						t.Errorf("line %q", line)
					}
					received++
					if received == n {
						mainWaker.Wake()
					}
				}
			}))
		}
		if closed {
			if ended < n {
				return future.Pending[struct{}]()
			}
			return future.Ok(struct{}{})
		}
		if received < n {
			return future.Pending[struct{}]()
		}
		// Every connection got its line and is parked reading.
		held = 0
		for _, c := range conns {
			if codec.ReadHoldsBuffer(c.lines) {
				held++
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		// Close them all, and wait for their tasks to see it and end.
		for _, c := range conns {
			c.s.Close()
		}
		closed = true
		return future.Pending[struct{}]() // the tasks wake us as they end
	})
	if _, err := loopkit.BlockOn(t, loop, serve, 2*time.Minute); err != nil {
		t.Fatal(err)
	}
	out := bufio.NewReader(stdout)
	for {
		line, err := out.ReadString('\n')
		if err != nil {
			t.Errorf("the client did not say ready: %v", err)
			break
		}
		if line == "ready\n" {
			break
		}
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Errorf("client: %v", err)
	}
	clientDone = true
	if want := map[bool]int{false: 0, true: n}[partial]; held != want {
		t.Errorf("%d of %d idle framed connections hold a read buffer; want %d", held, n, want)
	}
	if partial {
		return
	}
	perConn := (int64(after.HeapInuse) - int64(before.HeapInuse)) / int64(n)
	t.Logf("%d idle framed connections: %d hold a read buffer; heap in use grew by %d bytes per connection (connection, task and stream)", n, held, perConn)
	if perConn > codec.ReadBufferSize/2 {
		t.Errorf("heap in use grew by %d bytes per idle connection; a held read buffer is %d", perConn, codec.ReadBufferSize)
	}
}
