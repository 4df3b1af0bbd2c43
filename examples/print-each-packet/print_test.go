package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"os/exec"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit/prockit"
)

// send runs tool (socat or nc) with data on its standard input to addr,
// and waits for it to exit.
func send(t *testing.T, tool, addr string, data []byte) {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s is not installed: %v", tool, err)
	}
	host, port, _ := net.SplitHostPort(addr)
	args := map[string][]string{
		"socat": {"-t", "5", "-u", "-", "TCP:" + addr},
		"nc":    {"-N", host, port},
	}[tool]
	cmd := exec.Command(path, args...)
	cmd.Stdin = bytes.NewReader(data)
	cmd.WaitDelay = time.Second
	timer := time.AfterFunc(prockit.Timeout, func() { cmd.Process.Kill() })
	defer timer.Stop()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
}

func random(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// TestPrintEachPacket sends data with socat, then with nc: the standard
// output must be exactly what they sent, in order (the chunks it was
// printed in do not matter), and each connection is logged as closed by
// the client's FIN.
func TestPrintEachPacket(t *testing.T) {
	p := prockit.Start(t, prockit.Build(t, "."), "-addr", "127.0.0.1:0")
	addr := p.Addr(t)
	var want []byte
	for i, c := range []struct {
		tool string
		data []byte
	}{
		{"socat", []byte("hello from socat\n")},
		{"socat", random(1, 256<<10)},
		{"nc", []byte("and from nc\nwith two lines\n")},
	} {
		send(t, c.tool, addr, c.data)
		want = append(want, c.data...)
		p.WaitStdout(t, fmt.Sprintf("the %d bytes of client %d", len(c.data), i), func(out []byte) bool { return len(out) >= len(want) })
		p.WaitStderr(t, regexp.MustCompile(fmt.Sprintf(`received FIN and closed the connection after %d bytes`, len(c.data))))
	}
	p.Stop(t, syscall.SIGINT)
	if got := p.Stdout(); !bytes.Equal(got, want) {
		t.Errorf("stdout has %d bytes, first %q; want the %d bytes sent", len(got), got[:min(len(got), 40)], len(want))
	}
}

// TestPrintEachPacketStopsWithClients: SIGTERM with a client still
// connected ends the program cleanly and closes that connection.
func TestPrintEachPacketStopsWithClients(t *testing.T) {
	p := prockit.Start(t, prockit.Build(t, "."), "-addr", "127.0.0.1:0")
	c, err := net.Dial("tcp", p.Addr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("still here\n"))
	p.WaitStdout(t, "the client's line", func(out []byte) bool { return string(out) == "still here\n" })
	p.Stop(t, syscall.SIGTERM)
	p.WaitStderr(t, regexp.MustCompile(`stopped; closed 1 connections`))
	c.SetReadDeadline(time.Now().Add(prockit.Timeout))
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("Read after the stop = %d, %v; want the connection closed", n, err)
	}
}
