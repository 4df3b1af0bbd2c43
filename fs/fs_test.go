package fs_test

import (
	"errors"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/fs"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
)

// run drives f on a loop of the test.
func run[T any](t *testing.T, loop *driver.Loop, f future.Future[T]) T {
	t.Helper()
	v, err := loopkit.Block(t, loop, f)
	if err != nil {
		t.Fatalf("%T: %v", f, err)
	}
	return v
}

func TestFileReadWriteSeekStatTruncateSync(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	path := filepath.Join(t.TempDir(), "f")
	f := run(t, loop, fs.Create(path))
	defer f.Close()
	if f.Name() != path {
		t.Errorf("Name() = %q; want %q", f.Name(), path)
	}
	if n := run(t, loop, aio.WriteAll(f, []byte("hello, eddy"))); n != 11 {
		t.Errorf("WriteAll = %d; want 11", n)
	}
	run(t, loop, f.Sync())
	if off := run(t, loop, f.SeekTo(7, io.SeekStart)); off != 7 {
		t.Errorf("SeekTo(7) = %d", off)
	}
	if b := run(t, loop, aio.ReadToEnd(f)); string(b) != "eddy" {
		t.Errorf("read after seek = %q; want eddy", b)
	}
	run(t, loop, f.Truncate(5))
	if info := run(t, loop, f.Stat()); info.Size() != 5 || !info.Mode().IsRegular() {
		t.Errorf("Stat = size %d, mode %v; want 5, regular", info.Size(), info.Mode())
	}
	// A short read leaves bytes read ahead; SeekTo(0, SeekCurrent) answers
	// where the caller's reads stopped, and a write goes there.
	run(t, loop, f.SeekTo(0, io.SeekStart))
	two := make([]byte, 2)
	if n := run(t, loop, aio.ReadExact(f, two)); n != 2 || string(two) != "he" {
		t.Errorf("ReadExact = %q", two)
	}
	if off := run(t, loop, f.SeekTo(0, io.SeekCurrent)); off != 2 {
		t.Errorf("offset after reading 2 bytes = %d; want 2", off)
	}
	run(t, loop, aio.WriteAll(f, []byte("XY")))
	run(t, loop, aio.Shutdown(f))
	if b, err := os.ReadFile(path); err != nil || string(b) != "heXYo" {
		t.Errorf("file = %q, %v; want heXYo", b, err)
	}
	if err := f.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := f.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Close() = %v; want os.ErrClosed", err)
	}
	_, err := loopkit.Block(t, loop, aio.ReadToEnd(f))
	var pe *iofs.PathError
	if !errors.Is(err, os.ErrClosed) || !errors.As(err, &pe) || pe.Path != path {
		t.Errorf("read after Close = %v; want a *fs.PathError naming the file, wrapping os.ErrClosed", err)
	}
}

// TestReadDoesNotWriteCallerBufferAfterPending starts a read that answers
// pending, then changes nothing: the bytes arrive in the caller's next
// slice, never in the first.
func TestReadDoesNotWriteCallerBufferAfterPending(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("abc"), 0o600); err != nil {
		t.Fatal(err)
	}
	f := run(t, loop, fs.Open(path))
	defer f.Close()
	first := make([]byte, 8)
	second := make([]byte, 8)
	polls := 0
	n := run(t, loop, future.PollFn(func(cx *future.Context) future.Poll[int] {
		polls++
		p := first
		if polls > 1 {
			p = second
		}
		return f.PollRead(cx, p)
	}))
	if polls > 1 && (string(second[:n]) != "abc" || string(first) != string(make([]byte, 8))) {
		t.Errorf("after %d polls: first %q, second %q", polls, first, second)
	}
}

func TestPathFunctions(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	dir := t.TempDir()
	sub := filepath.Join(dir, "a", "b")
	run(t, loop, fs.MkdirAll(sub, 0o755))
	run(t, loop, fs.Mkdir(filepath.Join(dir, "c"), 0o755))
	name := filepath.Join(sub, "x")
	run(t, loop, fs.WriteFile(name, []byte("data"), 0o600))
	if b := run(t, loop, fs.ReadFile(name)); string(b) != "data" {
		t.Errorf("ReadFile = %q", b)
	}
	moved := filepath.Join(dir, "c", "y")
	run(t, loop, fs.Rename(name, moved))
	if info := run(t, loop, fs.Stat(moved)); info.Size() != 4 {
		t.Errorf("Stat size = %d", info.Size())
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(moved, link); err != nil {
		t.Fatal(err)
	}
	if info := run(t, loop, fs.Lstat(link)); info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("Lstat mode = %v; want a symlink", info.Mode())
	}
	var names []string
	for _, e := range run(t, loop, fs.ReadDir(dir)) {
		names = append(names, e.Name())
	}
	if want := []string{"a", "c", "link"}; !slices.Equal(names, want) {
		t.Errorf("ReadDir = %v; want %v", names, want)
	}
	run(t, loop, fs.Remove(link))
	run(t, loop, fs.RemoveAll(filepath.Join(dir, "a")))
	_, err := loopkit.Block(t, loop, fs.Stat(sub))
	var pe *iofs.PathError
	if !errors.Is(err, os.ErrNotExist) || !errors.Is(err, syscall.ENOENT) || !errors.As(err, &pe) {
		t.Errorf("Stat of a removed path = %v; want a *fs.PathError wrapping ENOENT", err)
	}
	_, err = loopkit.Block(t, loop, fs.Open(filepath.Join(dir, "missing")))
	if !errors.Is(err, syscall.ENOENT) {
		t.Errorf("Open of a missing file = %v; want ENOENT", err)
	}
	_, err = loopkit.Block(t, loop, fs.Rename(filepath.Join(dir, "missing"), moved))
	var le *os.LinkError
	if !errors.As(err, &le) || !errors.Is(err, syscall.ENOENT) {
		t.Errorf("Rename of a missing file = %v; want a *os.LinkError wrapping ENOENT", err)
	}
}

func TestFunctionsAreLazy(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "never")
	_ = fs.Create(name)
	_ = fs.WriteFile(name, nil, 0o600)
	_ = fs.Mkdir(filepath.Join(dir, "d"), 0o755)
	if _, err := os.Lstat(name); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("building futures touched the file system: %v", err)
	}
	cx, _ := testkit.NewContext()
	if p := fs.Create(name).Poll(cx); !errors.Is(p.Err(), future.ErrNoDriver) {
		t.Errorf("Create polled outside a loop = %s; want ErrNoDriver", testkit.Describe(p))
	}
}

func TestPipeSeekAndSyncErrors(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	f, err := fs.FromOS(r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = loopkit.Block(t, loop, f.SeekTo(0, io.SeekStart))
	var pe *iofs.PathError
	if !errors.Is(err, syscall.ESPIPE) || !errors.As(err, &pe) {
		t.Errorf("SeekTo on a pipe = %v; want a *fs.PathError wrapping ESPIPE", err)
	}
	if info := run(t, loop, f.Stat()); info.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("Stat of a pipe: mode %v", info.Mode())
	}
	if _, err := loopkit.Block(t, loop, f.Truncate(0)); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("Truncate on a pipe = %v; want EINVAL", err)
	}
	if _, err := loopkit.Block(t, loop, f.Sync()); err == nil {
		t.Errorf("Sync on a pipe = nil; want an error")
	}
}

// TestLoopClosesFile: a File polled by a loop is closed by the loop's Close.
func TestLoopClosesFile(t *testing.T) {
	loopkit.NoLeaks(t)
	loop, err := driver.New(loopkit.Config(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "f")
	f := run(t, loop, combinators.AndThen(fs.Create(path), func(f *fs.File) future.Future[*fs.File] {
		return combinators.Map(aio.WriteAll(f, []byte("x")), func(int) *fs.File { return f })
	}))
	if err := loop.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Close after the loop's = %v; want os.ErrClosed", err)
	}
}
