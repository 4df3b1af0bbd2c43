package aio_test

import (
	"errors"
	"fmt"
	"io"
	"log"
	"testing"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/socket"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name      string
		Reads     []testkit.IOStep
		size      int
		want      string
		wantErr   error
		wantPolls int
	}{
		{name: "ready", Reads: []testkit.IOStep{{Data: "hello"}}, size: 8, want: "hello", wantPolls: 1},
		{name: "one read only", Reads: []testkit.IOStep{{Data: "he"}, {Data: "llo"}}, size: 8, want: "he", wantPolls: 1},
		{name: "pending first", Reads: []testkit.IOStep{{Pending: true}, {Pending: true}, {Data: "hi"}}, size: 8, want: "hi", wantPolls: 3},
		{name: "short buffer", Reads: []testkit.IOStep{{Data: "hello"}}, size: 3, want: "hel", wantPolls: 1},
		{name: "end of input", size: 8, wantErr: io.EOF, wantPolls: 1},
		{name: "error", Reads: []testkit.IOStep{{Pending: true}, {Err: errBoom}}, size: 8, wantErr: errBoom, wantPolls: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &testkit.ScriptIO{Reads: tc.Reads}
			buf := make([]byte, tc.size)
			f := aio.Read(s, buf)
			if s.ReadCalls != 0 {
				t.Fatalf("building read %d times; want 0", s.ReadCalls)
			}
			n, polls, err := run(t, f)
			if got := string(buf[:n]); got != tc.want || !errors.Is(err, tc.wantErr) {
				t.Errorf("Read = %q, %v; want %q, %v", got, err, tc.want, tc.wantErr)
			}
			if polls != tc.wantPolls || s.ReadCalls != tc.wantPolls {
				t.Errorf("%d polls, %d reads; want %d of each", polls, s.ReadCalls, tc.wantPolls)
			}
		})
	}
}

// ExampleRead reads whatever the peer has sent, up to the buffer's size,
// as one Read of package io does: the future completes with the first
// bytes that arrive, without waiting for the buffer to fill.
func ExampleRead() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	defer server.Close()

	buf := make([]byte, 64)
	send := aio.WriteAll(client, []byte("PING"))
	recv := combinators.AndThen(send, func(int) future.Future[int] { return aio.Read(server, buf) })
	n, err := driver.Run(recv)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d bytes: %q\n", n, buf[:n])
	// Output: 4 bytes: "PING"
}
