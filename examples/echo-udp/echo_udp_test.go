package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/eddyio/eddy/internal/testkit/prockit"
)

// datagram returns datagram seq of the test: its number, then 16 to 1040
// pseudo-random bytes that depend on the number.
func datagram(seq int) []byte {
	rng := rand.New(rand.NewPCG(uint64(seq), 7))
	b := binary.BigEndian.AppendUint32(nil, uint32(seq))
	for range 16 + rng.IntN(1025) {
		b = append(b, byte(rng.Uint32()))
	}
	return b
}

// TestEchoUDP sends 10,000 numbered datagrams, 100 at a time, and checks
// that each is answered with exactly its bytes. UDP may drop datagrams on
// a loaded machine, so a batch's unanswered datagrams are sent again, at
// most 10 times; every datagram must be answered at least once.
func TestEchoUDP(t *testing.T) {
	const total, batch, tries = 10000, 100, 10
	p := prockit.Start(t, prockit.Build(t, "."), "-addr", "127.0.0.1:0")
	srv, err := net.ResolveUDPAddr("udp", p.Addr(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialUDP("udp", nil, srv)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadBuffer(4 << 20)

	answered := make([]bool, total)
	resent := 0
	buf := make([]byte, 64<<10)
	for first := 0; first < total; first += batch {
		waiting := batch
		for try := 0; waiting > 0; try++ {
			if try == tries {
				t.Fatalf("datagrams %d to %d: %d unanswered after %d tries", first, first+batch-1, waiting, tries)
			}
			for seq := first; seq < first+batch; seq++ {
				if !answered[seq] {
					if try > 0 {
						resent++
					}
					if _, err := c.Write(datagram(seq)); err != nil {
						t.Fatalf("send %d: %v", seq, err)
					}
				}
			}
			// Read the answers until the batch is complete or 1 s passes
			// without one.
			for waiting > 0 {
				c.SetReadDeadline(time.Now().Add(time.Second))
				n, err := c.Read(buf)
				if errors.Is(err, os.ErrDeadlineExceeded) {
					break
				}
				if err != nil {
					t.Fatalf("receive: %v", err)
				}
				got := buf[:n]
				if n < 4 {
					t.Fatalf("answer of %d bytes: %q", n, got)
				}
				seq := int(binary.BigEndian.Uint32(got))
				if seq >= total || !bytes.Equal(got, datagram(seq)) {
					t.Fatalf("answer %d (%d bytes) is not the datagram sent", seq, n)
				}
				if seq >= first && seq < first+batch && !answered[seq] {
					answered[seq] = true
					waiting--
				}
			}
		}
	}
	t.Logf("%d datagrams answered; %d sent again after a loss", total, resent)
	p.Stop(t, syscall.SIGINT)
}

// TestEchoUDPWithTools: socat and nc get their line back. Each keeps its
// input open until the answer is there (UDP has no end of stream to wait
// for), and is killed then.
func TestEchoUDPWithTools(t *testing.T) {
	p := prockit.Start(t, prockit.Build(t, "."), "-addr", "127.0.0.1:0")
	addr := p.Addr(t)
	host, port, _ := net.SplitHostPort(addr)
	for _, tool := range []struct {
		name string
		args []string
	}{
		{"socat", []string{"-", "UDP:" + addr}},
		{"nc", []string{"-u", host, port}},
	} {
		t.Run(tool.name, func(t *testing.T) {
			path, err := exec.LookPath(tool.name)
			if err != nil {
				t.Skipf("%s is not installed: %v", tool.name, err)
			}
			line := fmt.Sprintf("hello from %s\n", tool.name)
			client := prockit.Start(t, path, tool.args...)
			if _, err := io.WriteString(client.Stdin, line); err != nil {
				t.Fatal(err)
			}
			client.WaitStdout(t, "the echo", func(out []byte) bool { return len(out) >= len(line) })
			if out := client.Stdout(); string(out) != line {
				t.Errorf("%s got %q back; want %q", tool.name, out, line)
			}
		})
	}
	p.Stop(t, syscall.SIGTERM)
}
