//go:build linux

package torture

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/socket"
)

// firstByte reads through r and, on the first byte, calls seen with it.
type firstByte struct {
	r    aio.AsyncReader
	seen func(byte)
}

func (f *firstByte) PollRead(cx *future.Context, b []byte) future.Poll[int] {
	res := f.r.PollRead(cx, b)
	if n, err := res.Result(); f.seen != nil && !res.IsPending() && err == nil && n > 0 {
		f.seen(b[0])
		f.seen = nil
	}
	return res
}

// TestCloseFromAnywhere closes sockets from other goroutines while their
// tasks read and write them: clients marked for it (1,000 in the full
// form, 200 in the short one) stream data without end, and as soon as the
// server's task has read their first byte, two goroutines close its
// socket at the same moment, after a random pause of up to 3 ms. Each
// task must end with an error that is net.ErrClosed; of the two Closes
// exactly one succeeds and the other answers net.ErrClosed (and the
// handler's own Close, through aio.Closing, is a third); no client hangs;
// and bystander connections, whose descriptor numbers the closed ones'
// are reused for, are echoed exactly (a second close of a reused number
// would cut one of them). Run it under -race.
func TestCloseFromAnywhere(t *testing.T) {
	leaktest.Fds(t)
	closed, bystanders := scale(200, 1000), scale(100, 500)
	var (
		outcomeMu sync.Mutex
		outcomes  = map[string]int{} // the tasks' errors of closed connections, by kind
		closeErrs = newErrorList()
		closers   sync.WaitGroup
		closersMu sync.Mutex // orders every closers.Go before closers.Wait for the race detector (below)
		badClose  atomic.Int64
	)
	kind := func(err error) string {
		switch {
		case err == nil:
			return "nil"
		case errors.Is(err, net.ErrClosed):
			return "closed"
		}
		return err.Error()
	}
	closeTwice := func(conn *socket.TCPStream, seed uint64) {
		closersMu.Lock()
		defer closersMu.Unlock()
		closers.Go(func() {
			time.Sleep(time.Duration(rand.New(rand.NewPCG(seed, 4)).Int64N(int64(3 * time.Millisecond))))
			var start, done sync.WaitGroup
			start.Add(1)
			var errs [2]error
			for i := range errs {
				done.Go(func() {
					start.Wait()
					errs[i] = conn.Close()
				})
			}
			start.Done()
			done.Wait()
			nils := 0
			for _, err := range errs {
				if err == nil {
					nils++
				} else if !errors.Is(err, net.ErrClosed) {
					badClose.Add(1)
					closeErrs.add(err)
				}
			}
			if nils != 1 {
				badClose.Add(1)
				closeErrs.add(errorf("two concurrent Closes: %v; want one nil and one net.ErrClosed", errs))
			}
		})
	}
	var accepted atomic.Uint64
	s := startInproc(t, func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		marked := false
		seed := accepted.Add(1)
		in := &firstByte{r: r, seen: func(b byte) {
			if b == 'C' {
				marked = true
				closeTwice(conn, seed)
			}
		}}
		echo := combinators.AndThen(iocopy.Copy(in, w), func(int64) future.Future[struct{}] {
			return aio.Shutdown(w)
		})
		return combinators.Then(aio.Closing(conn, echo), func(_ struct{}, err error) {
			if marked {
				outcomeMu.Lock()
				outcomes[kind(err)]++
				outcomeMu.Unlock()
			} else if err != nil {
				outcomeMu.Lock()
				outcomes["bystander: "+kind(err)]++
				outcomeMu.Unlock()
			}
		})
	})
	deadline := time.Now().Add(120 * time.Second)
	errs := newErrorList()
	var failed atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	bystander := make([]bool, closed+bystanders)
	for i := range bystanders {
		bystander[i] = true
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(bystander), func(i, j int) { bystander[i], bystander[j] = bystander[j], bystander[i] })
	for i := range closed + bystanders {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := dial(s.addr)
			if err != nil {
				failed.Add(1)
				errs.add(err)
				return
			}
			if bystander[i] {
				// A bystander: echoed exactly.
				p := payload(uint64(i), 1+rand.New(rand.NewPCG(uint64(i), 6)).IntN(100000))
				p[0] = '-'
				if err := roundTrip(c, p, deadline); err != nil {
					failed.Add(1)
					errs.add(errorf("bystander %d: %v", i, err))
				}
				return
			}
			// Closed by the server mid-stream: writes until it fails and
			// reads until the end; both must end, never hang.
			defer c.Close()
			c.SetDeadline(deadline)
			chunk := payload(uint64(i), 64<<10)
			chunk[0] = 'C'
			werr := make(chan error, 1)
			go func() {
				for {
					if _, err := c.Write(chunk); err != nil {
						werr <- err
						return
					}
					chunk[0] = '.'
				}
			}()
			_, rerr := io.Copy(io.Discard, c)
			c.SetLinger(0) // ends the writer if it is still writing
			c.Close()
			err = <-werr
			for _, e := range []error{rerr, err} {
				var ne net.Error
				if errors.As(e, &ne) && ne.Timeout() {
					failed.Add(1)
					errs.add(errorf("closed client %d hung: %v", i, e))
				}
			}
		})
	}
	wg.Wait()
	// Every closers.Go came before its client ended (a marked client ends
	// only once its socket was closed under the server's task), but only
	// the kernel says so: the race detector sees no order between the
	// loop's Go and this Wait, and takes them for a WaitGroup reused
	// concurrently. The mutex gives it the order.
	closersMu.Lock()
	//lint:ignore SA2001 the empty critical section orders; it guards nothing
	closersMu.Unlock()
	closers.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d clients failed; first errors: %v", failed.Load(), errs.all())
	}
	if badClose.Load() > 0 {
		t.Errorf("%d bad Close results: %v", badClose.Load(), closeErrs.all())
	}
	s.waitIdle(t, 30*time.Second)
	outcomeMu.Lock()
	defer outcomeMu.Unlock()
	if len(outcomes) != 1 || outcomes["closed"] != closed {
		t.Errorf("tasks of the connections closed under them ended with %v; want net.ErrClosed for all %d", outcomes, closed)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.panics) > 0 || len(s.reports) > 0 {
		t.Errorf("driver reports: panics %v, others %q", s.panics, s.reports)
	}
	t.Logf("%d sockets closed twice at once from other goroutines under their tasks (each task: net.ErrClosed), %d bystanders echoed exactly", closed, bystanders)
}
