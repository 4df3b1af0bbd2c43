package fs_test

import (
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/fs"
	"github.com/eddyio/eddy/future"
)

// tempDir makes a directory for an example; the example removes it.
func tempDir() string {
	dir, err := os.MkdirTemp("", "eddy-fs-example")
	if err != nil {
		log.Fatal(err)
	}
	return dir
}

func ExampleOpen() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "greeting")
	os.WriteFile(name, []byte("hello from a file\n"), 0o600)

	read := combinators.AndThen(fs.Open(name), func(f *fs.File) future.Future[[]byte] {
		return aio.Closing(f, aio.ReadToEnd(f))
	})
	b, err := driver.Run(read)
	fmt.Printf("%q %v\n", b, err)
	// Output: "hello from a file\n" <nil>
}

func ExampleCreate() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "out")

	write := combinators.AndThen(fs.Create(name), func(f *fs.File) future.Future[struct{}] {
		// Flush (Shutdown) before Close: the last write's error shows there.
		return aio.Closing(f, combinators.AndThen(aio.WriteAll(f, []byte("written")), func(int) future.Future[struct{}] {
			return aio.Shutdown(f)
		}))
	})
	_, err := driver.Run(write)
	b, _ := os.ReadFile(name)
	fmt.Printf("%q %v\n", b, err)
	// Output: "written" <nil>
}

func ExampleOpenFile() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "log")
	os.WriteFile(name, []byte("one\n"), 0o600)

	appendLine := combinators.AndThen(fs.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0), func(f *fs.File) future.Future[struct{}] {
		return aio.Closing(f, combinators.AndThen(aio.WriteAll(f, []byte("two\n")), func(int) future.Future[struct{}] {
			return aio.Shutdown(f)
		}))
	})
	if _, err := driver.Run(appendLine); err != nil {
		log.Fatal(err)
	}
	b, _ := os.ReadFile(name)
	fmt.Print(string(b))
	// Output:
	// one
	// two
}

func ExampleReadFile() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "f")
	os.WriteFile(name, []byte("contents"), 0o600)

	b, err := driver.Run(fs.ReadFile(name))
	fmt.Printf("%s %v\n", b, err)
	// Output: contents <nil>
}

func ExampleWriteFile() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "f")

	_, err := driver.Run(fs.WriteFile(name, []byte("saved"), 0o600))
	b, _ := os.ReadFile(name)
	fmt.Printf("%s %v\n", b, err)
	// Output: saved <nil>
}

func ExampleReadDir() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	for _, n := range []string{"b", "a", "c"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o600)
	}

	entries, err := driver.Run(fs.ReadDir(dir))
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		fmt.Println(e.Name())
	}
	// Output:
	// a
	// b
	// c
}

func ExampleMkdir() {
	dir := tempDir()
	defer os.RemoveAll(dir)

	_, err := driver.Run(fs.Mkdir(filepath.Join(dir, "sub"), 0o755))
	info, _ := os.Stat(filepath.Join(dir, "sub"))
	fmt.Println(err, info.IsDir())
	// Output: <nil> true
}

func ExampleMkdirAll() {
	dir := tempDir()
	defer os.RemoveAll(dir)

	_, err := driver.Run(fs.MkdirAll(filepath.Join(dir, "a", "b", "c"), 0o755))
	info, _ := os.Stat(filepath.Join(dir, "a", "b", "c"))
	fmt.Println(err, info.IsDir())
	// Output: <nil> true
}

func ExampleRemove() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "f")
	os.WriteFile(name, nil, 0o600)

	_, err := driver.Run(fs.Remove(name))
	fmt.Println(err)
	_, err = driver.Run(fs.Remove(name))
	fmt.Println(errors.Is(err, os.ErrNotExist))
	// Output:
	// <nil>
	// true
}

func ExampleRemoveAll() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	os.MkdirAll(filepath.Join(dir, "tree", "deep"), 0o755)

	_, err := driver.Run(fs.RemoveAll(filepath.Join(dir, "tree")))
	_, statErr := os.Stat(filepath.Join(dir, "tree"))
	fmt.Println(err, errors.Is(statErr, os.ErrNotExist))
	// Output: <nil> true
}

func ExampleRename() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "old"), []byte("x"), 0o600)

	_, err := driver.Run(fs.Rename(filepath.Join(dir, "old"), filepath.Join(dir, "new")))
	_, statErr := os.Stat(filepath.Join(dir, "new"))
	fmt.Println(err, statErr)
	// Output: <nil> <nil>
}

func ExampleStat() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "f"), []byte("12345"), 0o600)

	info, err := driver.Run(fs.Stat(filepath.Join(dir, "f")))
	fmt.Println(info.Size(), err)
	_, err = driver.Run(fs.Stat(filepath.Join(dir, "missing")))
	fmt.Println(errors.Is(err, os.ErrNotExist))
	// Output:
	// 5 <nil>
	// true
}

func ExampleLstat() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	os.WriteFile(filepath.Join(dir, "f"), nil, 0o600)
	os.Symlink(filepath.Join(dir, "f"), filepath.Join(dir, "link"))

	info, err := driver.Run(fs.Lstat(filepath.Join(dir, "link")))
	fmt.Println(info.Mode()&os.ModeSymlink != 0, err)
	// Output: true <nil>
}

// A File is an AsyncReader and an AsyncWriter, so copy.Copy copies files.
func ExampleFile() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	os.WriteFile(src, []byte("copied by eddy"), 0o600)

	cp := combinators.AndThen(combinators.Join(fs.Open(src), fs.Create(dst)), func(p combinators.Pair[*fs.File, *fs.File]) future.Future[int64] {
		in, out := p.First, p.Second
		return aio.Closing(in, aio.Closing(out, iocopy.Copy(in, out)))
	})
	n, err := driver.Run(cp)
	b, _ := os.ReadFile(dst)
	fmt.Println(n, err, string(b))
	// Output: 14 <nil> copied by eddy
}

// withFile runs use on a new file holding data, and closes it.
func withFile[T any](data string, use func(f *fs.File) future.Future[T]) (T, error) {
	dir := tempDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "f")
	os.WriteFile(name, []byte(data), 0o600)
	return driver.Run(combinators.AndThen(fs.OpenFile(name, os.O_RDWR, 0), func(f *fs.File) future.Future[T] {
		return aio.Closing(f, use(f))
	}))
}

func ExampleFile_Name() {
	f, _ := withFile("", func(f *fs.File) future.Future[string] { return future.Ready(filepath.Base(f.Name())) })
	fmt.Println(f)
	// Output: f
}

func ExampleFile_PollRead() {
	// PollRead is what aio's helpers and copy.Copy call; by hand it is
	// polled from a future until ready.
	b, err := withFile("abc", func(f *fs.File) future.Future[string] {
		buf := make([]byte, 8)
		return future.PollFn(func(cx *future.Context) future.Poll[string] {
			p := f.PollRead(cx, buf)
			if p.IsPending() {
				return future.Pending[string]()
			}
			return future.Result(string(buf[:p.Value()]), p.Err())
		})
	})
	fmt.Println(b, err)
	// Output: abc <nil>
}

func ExampleFile_PollWrite() {
	n, err := withFile("", func(f *fs.File) future.Future[int] {
		return aio.WriteAll(f, []byte("four")) // PollWrite until all is written
	})
	fmt.Println(n, err)
	// Output: 4 <nil>
}

func ExampleFile_PollFlush() {
	_, err := withFile("", func(f *fs.File) future.Future[struct{}] {
		return combinators.AndThen(aio.WriteAll(f, []byte("x")), func(int) future.Future[struct{}] {
			return future.PollFn(f.PollFlush) // waits for the write in flight
		})
	})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleFile_PollShutdown() {
	_, err := withFile("", func(f *fs.File) future.Future[struct{}] {
		return combinators.AndThen(aio.WriteAll(f, []byte("x")), func(int) future.Future[struct{}] {
			return aio.Shutdown(f) // PollShutdown: a flush, for a file
		})
	})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleFile_Close() {
	f, _ := withFile("", func(f *fs.File) future.Future[*fs.File] { return future.Ready(f) })
	// withFile closed it already.
	fmt.Println(errors.Is(f.Close(), os.ErrClosed))
	// Output: true
}

func ExampleFile_SeekTo() {
	b, err := withFile("0123456789", func(f *fs.File) future.Future[[]byte] {
		return combinators.AndThen(f.SeekTo(-3, io.SeekEnd), func(int64) future.Future[[]byte] {
			return aio.ReadToEnd(f)
		})
	})
	fmt.Printf("%s %v\n", b, err)
	// Output: 789 <nil>
}

func ExampleFile_Sync() {
	_, err := withFile("", func(f *fs.File) future.Future[struct{}] {
		return combinators.AndThen(aio.WriteAll(f, []byte("durable")), func(int) future.Future[struct{}] {
			return f.Sync()
		})
	})
	fmt.Println(err)
	// Output: <nil>
}

func ExampleFile_Stat() {
	info, err := withFile("hello", func(f *fs.File) future.Future[os.FileInfo] { return f.Stat() })
	fmt.Println(info.Size(), err)
	// Output: 5 <nil>
}

func ExampleFile_Truncate() {
	info, err := withFile("hello", func(f *fs.File) future.Future[os.FileInfo] {
		return combinators.AndThen(f.Truncate(2), func(struct{}) future.Future[os.FileInfo] { return f.Stat() })
	})
	fmt.Println(info.Size(), err)
	// Output: 2 <nil>
}

func ExampleFromOS() {
	r, w, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	in, _ := fs.FromOS(r) // a duplicate: close both
	out, _ := fs.FromOS(w)
	r.Close()
	w.Close()

	write := aio.Closing(out, aio.WriteAll(out, []byte("through a pipe")))
	read := aio.Closing(in, aio.ReadToEnd(in))
	both, err := driver.Run(combinators.Join(write, read))
	fmt.Printf("%d %q %v\n", both.First, both.Second, err)
	// Output: 14 "through a pipe" <nil>
}

func ExampleStdin() {
	// Stand in for a shell: the standard input is a pipe with a line in it.
	r, w, err := os.Pipe()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(w, "typed at the keyboard")
	w.Close()
	saved := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = saved; r.Close() }()

	in, err := fs.Stdin() // a duplicate of descriptor 0: closing it leaves stdin open
	if err != nil {
		log.Fatal(err)
	}
	defer in.Close()
	line, err := driver.Run(aio.ReadToEnd(in))
	fmt.Printf("%q %v\n", line, err)
	// Output: "typed at the keyboard\n" <nil>
}

func ExampleStdout() {
	out, err := fs.Stdout()
	if err != nil {
		log.Fatal(err)
	}
	defer out.Close()
	_, err = driver.Run(aio.WriteAll(out, []byte("written through the reactor or the pool\n")))
	if err != nil {
		log.Fatal(err)
	}
	// Output: written through the reactor or the pool
}

func ExampleStderr() {
	errOut, err := fs.Stderr()
	if err != nil {
		log.Fatal(err)
	}
	defer errOut.Close()
	n, err := driver.Run(aio.WriteAll(errOut, []byte("to standard error\n")))
	fmt.Println(n, err)
	// Output: 18 <nil>
}

func ExampleMaxBuffer() {
	// One read or write of a File on the blocking pool moves at most
	// MaxBuffer bytes.
	fmt.Println(fs.MaxBuffer)
	// Output: 1048576
}

func ExampleReadDirStream() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	for _, name := range []string{"a", "b", "c"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o600)
	}
	// Entries come a batch at a time from the blocking pool, in the
	// directory's order: count them as they come.
	n := 0
	count := combinators.ForEach(fs.ReadDirStream(dir, 2), func(e os.DirEntry) future.Future[struct{}] {
		n++
		return future.Ready(struct{}{})
	})
	_, err := driver.Run(count)
	fmt.Println(n, err)
	// Output: 3 <nil>
}

func ExampleSymlink() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	link := filepath.Join(dir, "current")
	made := combinators.AndThen(fs.Symlink("release-2", link), func(struct{}) future.Future[string] {
		return fs.Readlink(link)
	})
	target, err := driver.Run(made)
	fmt.Println(target, err)
	// Output: release-2 <nil>
}

func ExampleLink() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	name, other := filepath.Join(dir, "data"), filepath.Join(dir, "data.bak")
	os.WriteFile(name, []byte("kept"), 0o600)
	_, err := driver.Run(fs.Link(name, other))
	b, _ := os.ReadFile(other)
	fmt.Printf("%s %v\n", b, err)
	// Output: kept <nil>
}

func ExampleChmod() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	name := filepath.Join(dir, "script")
	os.WriteFile(name, []byte("#!/bin/sh\n"), 0o600)
	_, err := driver.Run(fs.Chmod(name, 0o700))
	fi, _ := os.Stat(name)
	fmt.Println(fi.Mode().Perm(), err)
	// Output: -rwx------ <nil>
}

func ExampleDirStream_Close() {
	dir := tempDir()
	defer os.RemoveAll(dir)
	for _, name := range []string{"a", "b", "c"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o600)
	}
	// Take stops reading after one entry; the holder closes the stream,
	// and with it the directory.
	entries := fs.ReadDirStream(dir, 0)
	first, err := driver.Run(combinators.Collect(combinators.Take[os.DirEntry](entries, 1)))
	fmt.Println(len(first), err, entries.Close())
	// Output: 1 <nil> <nil>
}
