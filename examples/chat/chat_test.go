package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit/prockit"
)

// startChat builds and starts the server; it returns it and its port.
func startChat(t *testing.T, flags ...string) (*prockit.Proc, string) {
	t.Helper()
	p := prockit.Start(t, prockit.Build(t, "."), append([]string{"-addr", "127.0.0.1:0"}, flags...)...)
	_, port, err := net.SplitHostPort(p.Addr(t))
	if err != nil {
		t.Fatal(err)
	}
	return p, port
}

// client is a chat client run by nc, with the lines it is expected to
// have printed so far.
type client struct {
	name string
	nc   *prockit.Proc
	want string
}

// join starts nc, answers the prompt with name and waits for the welcome.
func join(t *testing.T, port, name string) *client {
	t.Helper()
	path, err := exec.LookPath("nc")
	if err != nil {
		t.Skipf("nc is not installed: %v", err)
	}
	// -N: shut the connection's write side down when stdin ends.
	c := &client{name: name, nc: prockit.Start(t, path, "-N", "127.0.0.1", port)}
	c.expect(t, "Please enter your username:\n")
	c.say(t, name)
	c.expect(t, "Welcome, "+name+"!\n")
	return c
}

func (c *client) say(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(c.nc.Stdin, line+"\n"); err != nil {
		t.Fatalf("%s: write: %v", c.name, err)
	}
}

// expect waits until the client has printed text after what it printed
// before, and checks that it printed exactly that.
func (c *client) expect(t *testing.T, text string) {
	t.Helper()
	c.want += text
	c.nc.WaitStdout(t, fmt.Sprintf("%s's %q", c.name, text), func(out []byte) bool { return len(out) >= len(c.want) })
	if got := c.nc.Stdout(); string(got) != c.want {
		t.Fatalf("%s printed:\n%s\nwant:\n%s", c.name, got, c.want)
	}
}

// TestChat runs three nc clients at once: joins, lines and a leave reach
// exactly the others, in order.
func TestChat(t *testing.T) {
	srv, port := startChat(t)
	alice := join(t, port, "alice")
	bob := join(t, port, "bob")
	alice.expect(t, "bob has joined the chat\n")
	alice.say(t, "hi bob")
	bob.expect(t, "alice: hi bob\n")
	bob.say(t, "hello alice")
	alice.expect(t, "bob: hello alice\n")

	carol := join(t, port, "carol")
	alice.expect(t, "carol has joined the chat\n")
	bob.expect(t, "carol has joined the chat\n")
	carol.say(t, "hi both")
	alice.expect(t, "carol: hi both\n")
	bob.expect(t, "carol: hi both\n")
	alice.say(t, "hi carol")
	bob.expect(t, "alice: hi carol\n")
	carol.expect(t, "alice: hi carol\n")

	carol.nc.Stdin.Close() // nc sends FIN: carol leaves
	carol.nc.Wait(t)       // and exits once the server closes
	alice.expect(t, "carol has left the chat\n")
	bob.expect(t, "carol has left the chat\n")
	srv.WaitStderr(t, regexp.MustCompile(`carol left`))

	srv.Stop(t, syscall.SIGINT)
	srv.WaitStderr(t, regexp.MustCompile(`stopped; closed 2 connections`))
	for _, c := range []*client{alice, bob} {
		c.nc.Stdin.Close()
		c.nc.Wait(t) // the server closed their connections
		if got := string(c.nc.Stdout()); got != c.want {
			t.Errorf("%s printed in all:\n%s\nwant:\n%s", c.name, got, c.want)
		}
	}
}

// dialSmall connects with a 4 KiB receive buffer, so that a client that
// does not read fills up fast.
func dialSmall(t *testing.T, port string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: prockit.Timeout, Control: func(_, _ string, c syscall.RawConn) error {
		var err error
		c.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
		return err
	}}
	c, err := d.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// TestChatNonReader: while bob sends 40,000 lines of 1 KiB, mallory joins
// and never reads, and dozer stops reading until 500 of bob's lines have
// gone by and then reads as fast as she can. alice gets every line, in
// order; mallory is disconnected when her socket has taken nothing for the
// write timeout (she then finds a reset or the end of the stream after at
// most what the socket buffers held); dozer, whose socket drains again
// before that, is disconnected because she fell more than the backlog
// (256) behind; and the server's resident memory stays bounded while
// 40 MiB go through.
func TestChatNonReader(t *testing.T) {
	const lines, window, lineSize = 40000, 100, 1000
	srv, port := startChat(t, "-write-timeout", "3s")
	alice := join(t, port, "alice")
	bob := join(t, port, "bob")
	alice.expect(t, "bob has joined the chat\n")

	mallory := dialSmall(t, port)
	io.WriteString(mallory, "mallory\n") // and never reads
	alice.expect(t, "mallory has joined the chat\n")
	bob.expect(t, "mallory has joined the chat\n")
	dozer := dialSmall(t, port)
	io.WriteString(dozer, "dozer\n")
	alice.expect(t, "dozer has joined the chat\n")
	bob.expect(t, "dozer has joined the chat\n")
	wake := make(chan struct{})
	dozerDone := make(chan error, 1)
	go func() {
		<-wake
		dozer.SetReadDeadline(time.Now().Add(prockit.Timeout))
		_, err := io.Copy(io.Discard, dozer)
		dozerDone <- err
	}()
	rssBefore := srv.RSS(t)

	// bob sends in windows of 100 lines, each after alice got the last
	// one: alice reads and is never behind by more than the backlog.
	pad := strings.Repeat("x", lineSize-20)
	var flood strings.Builder
	maxRSS := rssBefore
	for i := 0; i < lines; i += window {
		var batch strings.Builder
		for j := i; j < i+window; j++ {
			fmt.Fprintf(&batch, "%08d %s\n", j, pad)
		}
		if _, err := io.WriteString(bob.nc.Stdin, batch.String()); err != nil {
			t.Fatalf("bob: write: %v", err)
		}
		for l := range strings.Lines(batch.String()) {
			flood.WriteString("bob: " + l)
		}
		// The whole line, not its number: once the last window is in,
		// alice's output is read as a whole below, and a line whose tail
		// is still on its way would be counted as lost.
		last := []byte(fmt.Sprintf("bob: %08d %s\n", i+window-1, pad))
		alice.nc.WaitStdout(t, fmt.Sprintf("alice's line %d", i+window-1), func(out []byte) bool {
			return bytes.Contains(out[max(0, len(out)-4*lineSize):], last)
		})
		if i+window == 500 {
			close(wake)
		}
		if i%(50*window) == 0 {
			maxRSS = max(maxRSS, srv.RSS(t))
		}
	}
	maxRSS = max(maxRSS, srv.RSS(t))
	why := srv.WaitStderr(t, regexp.MustCompile(`mallory disconnected: .*`))[0]
	if !strings.Contains(why, "timed out after 3s") {
		t.Errorf("server logged %q; want mallory disconnected by the write timeout", why)
	}
	slow := srv.WaitStderr(t, regexp.MustCompile(`dozer disconnected: .*`))[0]
	if !strings.Contains(slow, "channel: receiver lagged") {
		t.Errorf("server logged %q; want dozer disconnected for lagging", slow)
	}
	if err := <-dozerDone; err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("dozer's reads ended with %v; want EOF or a reset", err)
	}

	// alice got every line in order, and the two leaves somewhere among
	// them; bob got the leaves.
	got := string(alice.nc.Stdout())
	for _, who := range []string{"mallory", "dozer"} {
		left := who + " has left the chat\n"
		if strings.Count(got, left) != 1 {
			t.Errorf("alice saw %q %d times; want once", left, strings.Count(got, left))
		}
		got = strings.Replace(got, left, "", 1)
		bob.nc.WaitStdout(t, "bob's "+left, func(out []byte) bool { return bytes.Contains(out, []byte(left)) })
	}
	if want := alice.want + flood.String(); got != want {
		at := 0
		for at < min(len(got), len(want)) && got[at] == want[at] {
			at++
		}
		t.Errorf("alice printed %d bytes; want %d (the %d lines of bob in order); they differ from byte %d: got %.40q, want %.40q",
			len(got), len(want), lines, at, got[at:], want[at:])
	}

	// mallory finds the end after at most what her socket buffers held.
	mallory.SetReadDeadline(time.Now().Add(prockit.Timeout))
	n, err := io.Copy(io.Discard, mallory)
	if err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("mallory's read ended with %v; want EOF or a reset", err)
	}
	t.Logf("%s; %s; mallory read %d bytes before the end (%v); server RSS %d KiB before, at most %d KiB during", why, slow, n, err, rssBefore, maxRSS)
	if n > 8<<20 {
		t.Errorf("mallory could read %d bytes; want at most 8 MiB (socket buffers)", n)
	}
	if grew := maxRSS - rssBefore; grew > 32<<10 {
		t.Errorf("server RSS grew by %d KiB while 40 MiB went through; want at most 32 MiB", grew)
	}
	srv.Stop(t, syscall.SIGTERM)
}
