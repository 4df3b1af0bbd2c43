package aio_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/timer"
)

// bridgeGoroutines counts the goroutines of the bridges, waiting up to a
// few seconds for the count to reach want (goroutines end asynchronously).
func bridgeGoroutines(t *testing.T, want int) {
	t.Helper()
	count := func() int {
		buf := make([]byte, 1<<20)
		n := 0
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if strings.Contains(g, "aio.(*ReaderBridge).run") || strings.Contains(g, "aio.(*WriterBridge).run") {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(loopkit.Timeout)
	n := count()
	for n != want && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		n = count()
	}
	if n != want {
		t.Fatalf("%d bridge goroutine(s) running; want %d", n, want)
	}
}

// TestFromReaderLines reads the lines of a net.Pipe in an eddy pipeline;
// the bridge's goroutine ends with the input.
func TestFromReaderLines(t *testing.T) {
	loopkit.NoLeaks(t)
	a, b := net.Pipe()
	defer b.Close()
	go func() {
		for i := range 3 {
			fmt.Fprintf(a, "line %d\n", i)
		}
		a.Close()
	}()
	r := aio.FromReader(b)
	bridgeGoroutines(t, 0) // lazy: nothing started before the first poll
	got, err := loopkit.Run(t, combinators.Collect(codec.ReadLines(r)))
	if want := []string{"line 0", "line 1", "line 2"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("Lines = %q, %v; want %q, nil", got, err, want)
	}
	bridgeGoroutines(t, 0)
	if err := r.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
}

// TestFromConnCopy copies 1 MiB from one net.Pipe to another with
// copy.Copy between two ConnBridges.
func TestFromConnCopy(t *testing.T) {
	loopkit.NoLeaks(t)
	want := make([]byte, 1<<20)
	rand.Read(want)
	srcW, srcR := net.Pipe()
	dstW, dstR := net.Pipe()
	defer dstR.Close()
	go func() {
		srcW.Write(want)
		srcW.Close()
	}()
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(dstR)
		got <- b
	}()
	from, to := aio.FromConn(srcR), aio.FromConn(dstW)
	// The pipes have no half-close: the copy flushes, then Closing closes both.
	copied := aio.Closing(from, aio.Closing(to, combinators.AndThen(iocopy.Copy(from, to), func(n int64) future.Future[int64] {
		return combinators.Map(future.PollFn(to.PollFlush), func(struct{}) int64 { return n })
	})))
	n, err := loopkit.Run(t, copied)
	if err != nil || n != int64(len(want)) {
		t.Fatalf("Copy = %d, %v; want %d, nil", n, err, len(want))
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Fatalf("copied %d bytes, not the ones written", len(b))
	}
	bridgeGoroutines(t, 0)
}

// TestFromWriterPipe writes to a net.Pipe from a task; the shutdown flushes
// and closes the pipe, and the goroutine ends.
func TestFromWriterPipe(t *testing.T) {
	loopkit.NoLeaks(t)
	a, b := net.Pipe()
	defer b.Close()
	got := make(chan []byte, 1)
	go func() {
		data, _ := io.ReadAll(b)
		got <- data
	}()
	w := aio.FromWriter(a)
	want := bytes.Repeat([]byte("eddy "), 10000) // more than two buffers
	_, err := loopkit.Run(t, combinators.AndThen(aio.WriteAll(w, want), func(int) future.Future[struct{}] {
		return aio.Shutdown(w)
	}))
	if err != nil {
		t.Fatalf("WriteAll then Shutdown = %v", err)
	}
	if data := <-got; !bytes.Equal(data, want) {
		t.Fatalf("read %d bytes; want the %d written", len(data), len(want))
	}
	bridgeGoroutines(t, 0)
	if err := w.Close(); err != nil {
		t.Errorf("Close() after Shutdown = %v", err)
	}
}

// TestBridgeCloseStopsGoroutines: a reader waiting on an idle pipe and a
// writer blocked on a pipe nobody reads each hold their goroutine; Close
// ends them, and the writer's Close says that bytes were dropped.
func TestBridgeCloseStopsGoroutines(t *testing.T) {
	loopkit.NoLeaks(t)
	loop := loopkit.StartLoop(t)
	a, b := net.Pipe()
	defer b.Close()
	r := aio.FromReader(a)
	c, d := net.Pipe()
	defer d.Close()
	w := aio.FromWriter(c)
	res := loopkit.Spawn(loop, future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		if p := r.PollRead(cx, make([]byte, 8)); !p.IsPending() {
			return future.Fail[struct{}](fmt.Errorf("PollRead = %v; want pending", p))
		}
		if p := w.PollWrite(cx, []byte("stuck")); p.Value() != 5 {
			return future.Fail[struct{}](fmt.Errorf("PollWrite = %v; want 5", p))
		}
		return future.Ok(struct{}{})
	}))
	if _, err := loopkit.Await(t, res); err != nil {
		t.Fatal(err)
	}
	bridgeGoroutines(t, 2)
	if err := r.Close(); err != nil {
		t.Errorf("reader Close() = %v", err)
	}
	if err := w.Close(); !errors.Is(err, aio.ErrUnflushed) {
		t.Errorf("writer Close() = %v; want ErrUnflushed", err)
	}
	bridgeGoroutines(t, 0)
	p := r.PollRead(future.NewContext(nil, nil), make([]byte, 8))
	if !errors.Is(p.Err(), net.ErrClosed) {
		t.Errorf("PollRead after Close = %v; want net.ErrClosed", p)
	}
}

// TestBridgeAbandoned: a read from an idle pipe under a timeout; when the
// timeout fires it abandons aio.Closing, which closes the bridge, and the
// goroutine ends.
func TestBridgeAbandoned(t *testing.T) {
	loopkit.NoLeaks(t)
	a, b := net.Pipe()
	defer b.Close()
	r := aio.FromReader(a)
	_, err := loopkit.Run(t, timer.Timeout(aio.Closing(r, aio.ReadToEnd(r)), 20*time.Millisecond))
	if !errors.Is(err, timer.ErrTimeout) {
		t.Fatalf("ReadToEnd under Timeout = %v; want ErrTimeout", err)
	}
	bridgeGoroutines(t, 0)
}

// panicky panics on Read.
type panicky struct{}

func (panicky) Read([]byte) (int, error) { panic("boom") }

// TestFromReaderPanic: a reader that panics fails the read with a
// *future.PanicError instead of ending the process.
func TestFromReaderPanic(t *testing.T) {
	loopkit.NoLeaks(t)
	_, err := loopkit.Run(t, aio.ReadToEnd(aio.FromReader(panicky{})))
	var pe *future.PanicError
	if !errors.As(err, &pe) || pe.Value != "boom" || pe.Future != "aio_test.panicky" {
		t.Fatalf("ReadToEnd = %v; want a PanicError for aio_test.panicky", err)
	}
	bridgeGoroutines(t, 0)
}

// TestReadChunks cuts a bridged reader into chunks of 4 bytes.
func TestReadChunks(t *testing.T) {
	loopkit.NoLeaks(t)
	got, err := loopkit.Run(t, combinators.Collect(aio.ReadChunks(aio.FromReader(strings.NewReader("abcdefghij")), 4)))
	if err != nil || len(got) != 3 || string(got[0]) != "abcd" || string(got[1]) != "efgh" || string(got[2]) != "ij" {
		t.Fatalf("ReadChunks = %q, %v; want [abcd efgh ij]", got, err)
	}
	if cap(got[2]) != 2 {
		t.Errorf("last chunk's capacity = %d; want 2 (a chunk does not reach into the next)", cap(got[2]))
	}
}

// failing fails every read after its first.
type failing struct{ n int }

func (f *failing) Read(p []byte) (int, error) {
	if f.n++; f.n == 1 {
		return copy(p, "ok"), nil
	}
	return 0, errors.New("disk on fire")
}

// TestReadChunksError: a read error is an item error and ends the stream.
func TestReadChunksError(t *testing.T) {
	loopkit.NoLeaks(t)
	var items []string
	_, err := loopkit.Run(t, combinators.Collect(combinators.MapErrStream(aio.ReadChunks(aio.FromReader(&failing{}), 0), func(err error) error {
		items = append(items, "err "+err.Error())
		return err
	})))
	if err == nil || err.Error() != "disk on fire" || len(items) != 1 {
		t.Fatalf("Collect = %v (items %q); want the read error", err, items)
	}
}

// TestFromReaderFile reads a regular file, which the reactor cannot poll,
// in chunks through a bridge; the goroutine ends at the end of the file
// and Close closes the file.
func TestFromReaderFile(t *testing.T) {
	loopkit.NoLeaks(t)
	path := filepath.Join(t.TempDir(), "data")
	want := bytes.Repeat([]byte("0123456789"), 5000)
	if err := os.WriteFile(path, want, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r := aio.FromReader(f)
	got, err := loopkit.Run(t, combinators.Collect(aio.ReadChunks(r, 0)))
	if err != nil || !bytes.Equal(bytes.Join(got, nil), want) {
		t.Fatalf("ReadChunks = %d chunks, %v; want the file's %d bytes", len(got), err, len(want))
	}
	for _, c := range got {
		if len(c) > aio.BridgeBuffer {
			t.Errorf("a chunk of %d bytes; want at most BridgeBuffer", len(c))
		}
	}
	bridgeGoroutines(t, 0)
	if err := r.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := f.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("the file's Close() after the bridge's = %v; want os.ErrClosed (closed already)", err)
	}
}
