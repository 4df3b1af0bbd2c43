package driver_test

import (
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
	"testing"

	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/netpoll"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// TestManySocketsOneLoop drives 2000 socket pairs from one loop: a task per
// pair reads with FD.PollRead (parking until its data comes), another
// goroutine writes to every peer once the loop is blocked, and every task
// must read exactly what was written.
func TestManySocketsOneLoop(t *testing.T) {
	leaktest.Fds(t)
	const pairs = 2000
	l := newLoop(t, driver.Config{DetectStalls: true, EventsPerWait: 256})
	peers := make([]int, pairs)
	readers := make([]*reader, pairs)
	t.Cleanup(func() {
		for _, p := range peers {
			syscall.Close(p)
		}
	})
	allDone := &latch{}
	done := 0 // loop goroutine only
	var spawns []future.Future[struct{}]
	for i := range pairs {
		a, b := testkit.SocketPair(t)
		peers[i] = b
		r := &reader{fd: netpoll.NewFD(a, nil)}
		readers[i] = r
		spawns = append(spawns, driver.Spawn(&then{f: r, fn: func() {
			r.fd.Close()
			if done++; done == pairs {
				allDone.Set()
			}
		}}))
	}
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() {
		waitSleeping(l) // wake-ups come from this goroutine while the loop sleeps
		for i, b := range peers {
			msg := []byte{'a' + byte(i%26), byte(i >> 8), byte(i)}
			if _, err := syscall.Write(b, msg); err != nil {
				writeErr = err
				return
			}
		}
	})
	_, err := loopkit.Block(t, l, seqOf(append(spawns, allDone)...))
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("write to a peer = %v", writeErr)
	}
	if err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	for i, r := range readers {
		want := string([]byte{'a' + byte(i%26), byte(i >> 8), byte(i)})
		if got := string(r.buf[:r.n]); got != want || r.err != nil {
			t.Fatalf("reader %d: PollRead() = %q, %v; want %q, nil", i, got, r.err, want)
		}
	}
	if n := driver.Registered(l); n != 0 {
		t.Errorf("Registered() after every FD closed = %d; want 0", n)
	}
}

// TestFDCloseFromAnotherGoroutineWakesReader: a reader parked on an FD is
// woken with net.ErrClosed when another goroutine closes the FD.
func TestFDCloseFromAnotherGoroutineWakesReader(t *testing.T) {
	leaktest.Fds(t)
	l := newLoop(t, driver.Config{DetectStalls: true})
	a, b := testkit.SocketPair(t)
	defer syscall.Close(b)
	r := &reader{fd: netpoll.NewFD(a, nil), started: &latch{}}
	var wg sync.WaitGroup
	wg.Go(func() {
		waitSleeping(l)
		if err := r.fd.Close(); err != nil {
			t.Errorf("FD.Close() = %v", err)
		}
	})
	_, err := loopkit.Block(t, l, r)
	wg.Wait()
	if err != nil {
		t.Fatalf("BlockOn() = %v", err)
	}
	if !errors.Is(r.err, net.ErrClosed) || r.n != 0 {
		t.Errorf("PollRead() after Close = %d, %v; want 0, net.ErrClosed", r.n, r.err)
	}
	if n := driver.Registered(l); n != 0 {
		t.Errorf("Registered() after Close = %d; want 0", n)
	}
}

// TestReadToEOF: the reader sees the data, then io.EOF after the peer closes.
func TestReadToEOF(t *testing.T) {
	leaktest.Fds(t)
	l := newLoop(t, driver.Config{DetectStalls: true})
	a, b := testkit.SocketPair(t)
	fd := netpoll.NewFD(a, nil)
	defer fd.Close()
	var wg sync.WaitGroup
	wg.Go(func() {
		waitSleeping(l)
		syscall.Write(b, []byte("hello"))
		syscall.Close(b)
	})
	var got []byte
	var buf [3]byte
	_, err := loopkit.Block(t, l, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		for {
			p := fd.PollRead(cx, buf[:])
			if p.IsPending() {
				return future.Pending[struct{}]()
			}
			n, err := p.Result()
			got = append(got, buf[:n]...)
			if err != nil {
				return future.Fail[struct{}](err)
			}
		}
	}))
	wg.Wait()
	if string(got) != "hello" || !errors.Is(err, io.EOF) {
		t.Errorf("read %q, %v; want \"hello\", io.EOF", got, err)
	}
}
