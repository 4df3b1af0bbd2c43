package servers

import (
	"net"
	"strconv"
	"sync"

	iocopy "github.com/eddyio/eddy/copy"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// Eddy starts eddy's echo server: loops driver loops, each on its own
// goroutine with its own SO_REUSEPORT listener on the same address, so
// the kernel spreads the connections among them. Each connection is the
// echo example's pipeline (see eddyServe).
func Eddy(addr string, loops int) (string, func(), error) {
	loops = max(loops, 1)
	cfg := listener.TCPConfig{ReusePort: true}
	var ls []*listener.TCPListener
	closeAll := func() {
		for _, l := range ls {
			l.Close()
		}
	}
	for i := range loops {
		l, err := cfg.Bind(addr)
		if err != nil {
			closeAll()
			return "", nil, err
		}
		if i == 0 { // the others bind the port the first one got
			addr = net.JoinHostPort(l.Addr().IP.String(), strconv.Itoa(l.Addr().Port))
		}
		ls = append(ls, l)
	}
	var wg sync.WaitGroup
	var lps []*driver.Loop
	for _, l := range ls {
		// Connections still open when the server stops are cancelled:
		// expected here, so the shutdown report is not logged.
		loop, err := driver.New(driver.Config{Logf: func(string, ...any) {}})
		if err != nil {
			for _, lp := range lps {
				lp.Stop()
			}
			wg.Wait()
			closeAll()
			return "", nil, err
		}
		lps = append(lps, loop)
		wg.Add(1)
		go func() {
			defer wg.Done()
			driver.BlockOn(loop, eddyServe(l))
			l.Close()
			loop.Close()
		}()
	}
	stop := func() {
		for _, lp := range lps {
			lp.Stop()
		}
		wg.Wait()
	}
	return started(addr, stop)
}

// eddyServe accepts connections from l and echoes each on a task of its
// own: examples/echo's pipeline as shipped (Split, Copy, on the client's
// EOF Shutdown of the write half, then Close), without its log lines.
func eddyServe(l *listener.TCPListener) future.Future[struct{}] {
	return combinators.ForEach(listener.KeepAccepting(l.Incoming()),
		func(conn *socket.TCPStream) future.Future[struct{}] {
			r, w := conn.Split()
			echo := combinators.AndThen(iocopy.Copy(r, w), func(n int64) future.Future[int64] {
				// The client half-closed: pass the EOF on.
				return combinators.Map(aio.Shutdown(w), func(struct{}) int64 { return n })
			})
			handle := combinators.Then(echo, func(int64, error) { conn.Close() })
			return driver.Spawn(handle)
		})
}
