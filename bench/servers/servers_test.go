package servers

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// TestEcho starts each server, sends one message over a fresh connection
// and checks the echo byte for byte, then stops the server.
func TestEcho(t *testing.T) {
	for _, s := range All {
		t.Run(s.Name, func(t *testing.T) {
			addr, stop, err := s.Start("127.0.0.1:0", 2)
			if err != nil {
				t.Fatalf("Start() error = %v", err)
			}
			t.Cleanup(stop)
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				t.Fatalf("Dial(%s) error = %v", addr, err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(10 * time.Second))
			out := make([]byte, 100<<10) // more than one read's worth
			for i := range out {
				out[i] = byte(i * 7)
			}
			go c.Write(out)
			in := make([]byte, len(out))
			if _, err := io.ReadFull(c, in); err != nil {
				t.Fatalf("ReadFull() error = %v", err)
			}
			if !bytes.Equal(in, out) {
				t.Errorf("echo of %d bytes differs from what was sent", len(out))
			}
		})
	}
}

func TestLookup(t *testing.T) {
	for _, s := range All {
		if got, ok := Lookup(s.Name); !ok || got.Name != s.Name {
			t.Errorf("Lookup(%q) = %q, %v; want %q, true", s.Name, got.Name, ok, s.Name)
		}
	}
	if _, ok := Lookup("nope"); ok {
		t.Errorf(`Lookup("nope") found a server; want none`)
	}
}

// TestEchoBackpressure sends more than the socket buffers hold to each
// server while not reading for a while, so that the server's writes are
// refused in part and must resume when the client reads.
func TestEchoBackpressure(t *testing.T) {
	for _, s := range All {
		t.Run(s.Name, func(t *testing.T) {
			addr, stop, err := s.Start("127.0.0.1:0", 1)
			if err != nil {
				t.Fatalf("Start() error = %v", err)
			}
			t.Cleanup(stop)
			c, err := net.DialTimeout("tcp", addr, 5*time.Second)
			if err != nil {
				t.Fatalf("Dial(%s) error = %v", addr, err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(20 * time.Second))
			out := make([]byte, 16<<20)
			for i := range out {
				out[i] = byte(i*13 + i>>16)
			}
			go c.Write(out)
			time.Sleep(300 * time.Millisecond) // let the buffers fill
			in := make([]byte, len(out))
			if _, err := io.ReadFull(c, in); err != nil {
				t.Fatalf("ReadFull() error = %v", err)
			}
			if !bytes.Equal(in, out) {
				t.Errorf("echo of %d bytes differs from what was sent", len(out))
			}
		})
	}
}
