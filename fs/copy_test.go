package fs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	iocopy "github.com/eddyio/eddy/copy"
	"github.com/eddyio/eddy/fs"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit/loopkit"
	"github.com/eddyio/eddy/listener"
	"github.com/eddyio/eddy/socket"
)

// writeRandom writes size pseudo-random bytes to path and returns their
// SHA-256.
func writeRandom(t *testing.T, path string, size int) [32]byte {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	rng := rand.NewChaCha8([32]byte{1, 2, 3})
	buf := make([]byte, 1<<20)
	for left := size; left > 0; left -= len(buf) {
		b := buf[:min(left, len(buf))]
		rng.Read(b)
		h.Write(b)
		if _, err := f.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	return [32]byte(h.Sum(nil))
}

func hashFile(t *testing.T, path string) ([32]byte, int64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil)), n
}

// TestCopyFileThroughSocket copies a 100 MiB file to a TCP socket with
// copy.Copy, and from the socket's other end into another file, both files
// through package fs on one loop, and compares the bytes.
func TestCopyFileThroughSocket(t *testing.T) {
	size := 100 << 20
	if testing.Short() {
		size = 4 << 20
	}
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src"), filepath.Join(dir, "dst")
	want := writeRandom(t, src, size)

	loop := loopkit.CheckedLoop(t)
	l, err := listener.BindTCP("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()

	send := combinators.AndThen(fs.Open(src), func(in *fs.File) future.Future[int64] {
		return aio.Closing(in, combinators.AndThen(socket.ConnectTCP(l.Addr().String()), func(conn *socket.TCPStream) future.Future[int64] {
			return aio.Closing(conn, combinators.AndThen(iocopy.Copy(in, conn), func(n int64) future.Future[int64] {
				return combinators.Map(aio.Shutdown(conn), func(struct{}) int64 { return n })
			}))
		}))
	})
	receive := combinators.AndThen(l.Accept(), func(conn *socket.TCPStream) future.Future[int64] {
		return aio.Closing(conn, combinators.AndThen(fs.Create(dst), func(out *fs.File) future.Future[int64] {
			return aio.Closing(out, iocopy.Copy(conn, out))
		}))
	})
	got, err := loopkit.BlockOn(t, loop, combinators.Join(send, receive), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got.First != int64(size) || got.Second != int64(size) {
		t.Errorf("copied %d bytes out and %d in; want %d", got.First, got.Second, size)
	}
	if h, n := hashFile(t, dst); h != want || n != int64(size) {
		t.Errorf("the copy (%d bytes) differs from the source (%d bytes)", n, size)
	}
}

// TestStdinToStdout runs the test binary as a child whose standard input
// and output are pipes (blocking, as a shell makes them), or regular files,
// and copies one to the other through fs.Stdin, fs.Stdout and copy.Copy.
func TestStdinToStdout(t *testing.T) {
	data := make([]byte, 3<<20+123)
	rand.NewChaCha8([32]byte{7}).Read(data)
	dir := t.TempDir()
	inPath, outPath := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	if err := os.WriteFile(inPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		fileIn  bool
		fileOut bool
	}{
		{"pipes", false, false},
		{"file to pipe", true, false},
		{"pipe to file", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"=copy-stdin-stdout")
			var stdout, stderr bytes.Buffer
			cmd.Stderr = &stderr
			if c.fileIn {
				in, err := os.Open(inPath)
				if err != nil {
					t.Fatal(err)
				}
				defer in.Close()
				cmd.Stdin = in
			} else {
				cmd.Stdin = bytes.NewReader(data)
			}
			if c.fileOut {
				out, err := os.Create(outPath)
				if err != nil {
					t.Fatal(err)
				}
				defer out.Close()
				cmd.Stdout = out
			} else {
				cmd.Stdout = &stdout
			}
			if err := cmd.Run(); err != nil {
				t.Fatalf("child: %v\n%s", err, &stderr)
			}
			got := stdout.Bytes()
			if c.fileOut {
				var err error
				if got, err = os.ReadFile(outPath); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(got, data) {
				t.Errorf("the child wrote %d bytes; want the %d it read\n%s", len(got), len(data), &stderr)
			}
		})
	}
}

// TestPipeFromOS drives both ends of an os.Pipe (non-blocking descriptors)
// through the reactor.
func TestPipeFromOS(t *testing.T) {
	loop := loopkit.CheckedLoop(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	in, err := fs.FromOS(r)
	r.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err := fs.FromOS(w)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("eddy "), 100000) // more than a pipe holds
	write := aio.Closing(out, aio.WriteAll(out, data))
	read := aio.Closing(in, aio.ReadToEnd(in))
	got, err := loopkit.Block(t, loop, combinators.Join(write, read))
	if err != nil {
		t.Fatal(err)
	}
	if got.First != len(data) || !bytes.Equal(got.Second, data) {
		t.Errorf("wrote %d, read %d bytes; want %d", got.First, len(got.Second), len(data))
	}
}
