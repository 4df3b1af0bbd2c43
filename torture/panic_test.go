//go:build linux

package torture

import (
	"errors"
	"fmt"
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
	"github.com/eddyio/eddy/socket"
)

// plan is what a panic scenario client asks of its connection's task,
// in the first three bytes it sends: a kind ('R': panic in the read that
// goes past `at` bytes, before they are echoed; 'W': in the write that
// would go past `at` bytes; anything else: no panic)
// and the offset, big-endian.
type plan struct {
	head  [3]byte
	got   int // header bytes seen
	read  int // bytes read so far
	wrote int
}

func (p *plan) kind() byte { return p.head[0] }
func (p *plan) at() int    { return int(p.head[1])<<8 | int(p.head[2]) }

// plannedPanic is the value the tasks panic with.
type plannedPanic struct{ kind byte }

func (p plannedPanic) String() string { return fmt.Sprintf("planned panic in %c", p.kind) }

// panicReader reads through r and panics where the plan says.
type panicReader struct {
	r aio.AsyncReader
	p *plan
}

func (r *panicReader) PollRead(cx *future.Context, b []byte) future.Poll[int] {
	res := r.r.PollRead(cx, b)
	if n, err := res.Result(); !res.IsPending() && err == nil {
		for i := 0; r.p.got < 3 && i < n; i++ {
			r.p.head[r.p.got] = b[i]
			r.p.got++
		}
		r.p.read += n
		if r.p.got == 3 && r.p.kind() == 'R' && r.p.read > r.p.at() {
			panic(plannedPanic{'R'}) // with bytes read that will never be echoed
		}
	}
	return res
}

// panicWriter writes through w and panics where the plan says.
type panicWriter struct {
	aio.AsyncWriter
	p *plan
}

func (w *panicWriter) PollWrite(cx *future.Context, b []byte) future.Poll[int] {
	if w.p.kind() == 'W' && w.p.wrote+len(b) > w.p.at() {
		panic(plannedPanic{'W'})
	}
	res := w.AsyncWriter.PollWrite(cx, b)
	if n, err := res.Result(); !res.IsPending() && err == nil {
		w.p.wrote += n
	}
	return res
}

// TestPanicsUnderLoad echoes many connections (2,000; 300 in the short
// form) 100 at a time, of which a random fifth plan a panic in their task,
// in the middle of the copy's read or of its write. The panicking tasks
// must die alone: the driver reports each as a *future.PanicError, their
// connections are closed (aio.Closing), every other connection is echoed
// exactly, and the runtime shuts down with nothing left to cancel.
func TestPanicsUnderLoad(t *testing.T) {
	conns := scale(300, 2000)
	var ok atomic.Int64
	s := startInproc(t, func(conn *socket.TCPStream) future.Future[struct{}] {
		r, w := conn.Split()
		p := &plan{}
		pw := &panicWriter{AsyncWriter: w, p: p}
		echo := combinators.AndThen(iocopy.Copy(&panicReader{r: r, p: p}, pw), func(int64) future.Future[struct{}] {
			return aio.Shutdown(w)
		})
		return combinators.Then(aio.Closing(conn, echo), func(_ struct{}, err error) {
			if err == nil {
				ok.Add(1)
			}
		})
	})
	deadline := time.Now().Add(120 * time.Second)
	errs := newErrorList()
	var failed, planned atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 100)
	for i := range conns {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			r := rand.New(rand.NewPCG(uint64(i), 9))
			size := 3 + r.IntN(60000)
			p := payload(uint64(i), size)
			p[0] = '-'
			if r.IntN(5) == 0 {
				p[0] = "RW"[r.IntN(2)]
				at := r.IntN(size)
				p[1], p[2] = byte(at>>8), byte(at)
				planned.Add(1)
			}
			c, err := dial(s.addr)
			if err != nil {
				failed.Add(1)
				errs.add(err)
				return
			}
			err = roundTrip(c, p, deadline)
			if p[0] == '-' && err != nil {
				failed.Add(1)
				errs.add(errorf("client %d: %v", i, err))
			}
			if p[0] != '-' && err == nil {
				failed.Add(1)
				errs.add(errorf("client %d: its task planned a panic in %c, yet it was echoed in full", i, p[0]))
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				failed.Add(1)
				errs.add(errorf("client %d: hung: %v", i, err))
			}
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d of %d clients failed; first errors: %v", failed.Load(), conns, errs.all())
	}
	s.waitIdle(t, 30*time.Second)
	s.mu.Lock()
	panics, reports := s.panics, s.reports
	s.mu.Unlock()
	if int64(len(panics)) != planned.Load() {
		t.Errorf("the driver reported %d panicked tasks; %d were planned", len(panics), planned.Load())
	}
	for _, pe := range panics {
		if _, ok := pe.Value.(plannedPanic); !ok {
			t.Errorf("the driver reported a panic that was not planned: %v\n%s", pe, pe.Stack)
		}
	}
	if len(reports) > 0 {
		t.Errorf("other driver reports: %q", reports)
	}
	if got, want := ok.Load(), int64(conns)-planned.Load(); got != want {
		t.Errorf("%d tasks completed; want %d", got, want)
	}
	t.Logf("%d connections, %d tasks panicked mid-copy (each reported, its connection closed), %d echoed exactly", conns, planned.Load(), ok.Load())
}
