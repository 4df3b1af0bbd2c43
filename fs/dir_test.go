package fs_test

import (
	"errors"
	iofs "io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/fs"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// names returns the names of entries, sorted.
func names(entries []os.DirEntry) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// manyFiles makes a directory of n empty files and one subdirectory.
func manyFiles(t *testing.T, n int) string {
	dir := t.TempDir()
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, "f"+strconv.Itoa(i)), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReadDirStream lists a directory of 1,001 entries in batches of
// several sizes, one larger than the directory, and finds what os.ReadDir
// finds, with each entry's kind.
func TestReadDirStream(t *testing.T) {
	dir := manyFiles(t, 1000)
	want, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, batch := range []int{0, 1, 7, 5000} {
		got, err := driver.Run(combinators.Collect(fs.ReadDirStream(dir, batch)))
		if err != nil {
			t.Fatalf("batch %d: %v", batch, err)
		}
		if diff := cmp.Diff(names(want), names(got)); diff != "" {
			t.Errorf("batch %d: entries differ from os.ReadDir's (-want +got):\n%s", batch, diff)
		}
		for _, e := range got {
			if e.IsDir() != (e.Name() == "sub") {
				t.Errorf("batch %d: %s IsDir() = %v", batch, e.Name(), e.IsDir())
			}
		}
	}
	got, err := driver.Run(combinators.Collect(fs.ReadDirStream(t.TempDir(), 0)))
	if err != nil || len(got) != 0 {
		t.Errorf("an empty directory: %d entries, %v; want none", len(got), err)
	}
}

// TestReadDirStreamErrors: a directory that does not exist, and a file
// that is not one, are the stream's one item, an error as os.ReadDir's;
// then the stream ends.
func TestReadDirStreamErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		is   error
	}{
		{filepath.Join(t.TempDir(), "missing"), os.ErrNotExist},
		{file, nil}, // ENOTDIR, on reading
	} {
		s := fs.ReadDirStream(tc.name, 0)
		items, err := driver.Run(future.PollFn(func(cx *future.Context) future.Poll[[]stream.Poll[os.DirEntry]] {
			var seen []stream.Poll[os.DirEntry]
			for {
				p := s.PollNext(cx)
				if p.IsPending() {
					return future.Pending[[]stream.Poll[os.DirEntry]]()
				}
				seen = append(seen, p)
				if p.IsEnd() {
					return future.Ok(seen)
				}
			}
		}))
		if err != nil || len(items) != 2 || !items[1].IsEnd() {
			t.Fatalf("%s: %d polls, %v; want an error, then the end", tc.name, len(items), err)
		}
		var pe *iofs.PathError
		if e := items[0].Err(); !errors.As(e, &pe) || tc.is != nil && !errors.Is(e, tc.is) {
			t.Errorf("%s: first item %v; want a *fs.PathError (%v)", tc.name, e, tc.is)
		}
	}
}

// openOn counts the process's descriptors open on path (by
// /proc/self/fd's links), so that descriptors other code opens or closes
// meanwhile (a finalizer's, the runtime's) do not count.
func openOn(t *testing.T, path string) int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here")
	}
	n := 0
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && target == path {
			n++
		}
	}
	return n
}

// TestReadDirStreamAbandoned: a stream given up after a few entries (a
// Take, then the holder's Abandon), or before its first poll, leaves no
// directory open.
func TestReadDirStreamAbandoned(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts descriptors in /proc/self/fd")
	}
	dir := manyFiles(t, 100)
	s := fs.ReadDirStream(dir, 10)
	got, err := driver.Run(combinators.Collect(combinators.Take(s, 3)))
	if err != nil || len(got) != 3 {
		t.Fatalf("Take(3): %d entries, %v", len(got), err)
	}
	if n := openOn(t, dir); n != 1 {
		t.Errorf("%d descriptors open on the directory while the stream is held; want 1", n)
	}
	future.Abandon(s)
	if n := openOn(t, dir); n != 0 {
		t.Errorf("%d descriptors open on the directory after Abandon; want 0", n)
	}
	future.Abandon(fs.ReadDirStream(dir, 0)) // never polled: nothing to close
	// Closed by its holder after a Take: the directory too, and the stream
	// ends.
	c := fs.ReadDirStream(dir, 10)
	if got, err := driver.Run(combinators.Collect(combinators.Take[os.DirEntry](c, 3))); err != nil || len(got) != 3 {
		t.Fatalf("Take(3): %d entries, %v", len(got), err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if n := openOn(t, dir); n != 0 {
		t.Errorf("%d descriptors open on the directory after Close; want 0", n)
	}
	if rest, err := driver.Run(combinators.Collect[os.DirEntry](c)); len(rest) != 0 || err != nil {
		t.Errorf("after Close the stream gave %d entries, %v; want its end", len(rest), err)
	}
	// Abandoned while its first read runs: the read closes what it opened.
	s = fs.ReadDirStream(dir, 10)
	driver.Run(future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		s.PollNext(cx) // starts the read; may already answer an entry
		future.Abandon(s)
		return future.Ok(struct{}{})
	}))
	deadline := time.Now().Add(5 * time.Second)
	for openOn(t, dir) != 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := openOn(t, dir); n != 0 {
		t.Errorf("%d descriptors open on the directory after abandoning a running read; want 0", n)
	}
}

// TestLinksAndModes: Symlink, Readlink, Link and Chmod do what package
// os's functions do, and fail as they do.
func TestLinksAndModes(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	sym, hard := filepath.Join(dir, "sym"), filepath.Join(dir, "hard")
	if _, err := driver.Run(fs.Symlink("target", sym)); err != nil {
		t.Fatalf("Symlink: %v", err)
	}
	if got, err := driver.Run(fs.Readlink(sym)); got != "target" || err != nil {
		t.Errorf("Readlink = %q, %v; want %q", got, err, "target")
	}
	if fi, err := os.Lstat(sym); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("Lstat(symlink) = %v, %v; want a symbolic link", fi, err)
	}
	if _, err := driver.Run(fs.Link(target, hard)); err != nil {
		t.Fatalf("Link: %v", err)
	}
	if a, b := mustStat(t, target), mustStat(t, hard); !os.SameFile(a, b) {
		t.Error("the hard link is not the same file as its target")
	}
	if _, err := driver.Run(fs.Chmod(sym, 0o640)); err != nil {
		t.Fatalf("Chmod: %v", err)
	}
	if m := mustStat(t, target).Mode().Perm(); m != 0o640 {
		t.Errorf("mode after Chmod through the link = %o; want 640", m)
	}

	var le *os.LinkError
	if _, err := driver.Run(fs.Symlink("target", sym)); !errors.As(err, &le) || !errors.Is(err, os.ErrExist) {
		t.Errorf("Symlink over an existing name = %v; want an *os.LinkError matching os.ErrExist", err)
	}
	if _, err := driver.Run(fs.Link(filepath.Join(dir, "missing"), filepath.Join(dir, "x"))); !errors.As(err, &le) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Link to a missing file = %v; want an *os.LinkError matching os.ErrNotExist", err)
	}
	var pe *iofs.PathError
	if _, err := driver.Run(fs.Readlink(target)); !errors.As(err, &pe) {
		t.Errorf("Readlink(a regular file) = %v; want a *fs.PathError", err)
	}
	if _, err := driver.Run(fs.Chmod(filepath.Join(dir, "missing"), 0o600)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Chmod(missing) = %v; want os.ErrNotExist", err)
	}
}

func mustStat(t *testing.T, name string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}
