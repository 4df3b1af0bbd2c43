package aio_test

import (
	"errors"
	"fmt"
	"log"
	"net"
	"testing"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/driver"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/socket"
)

type closer struct {
	closes int
	err    error
}

func (c *closer) Close() error { c.closes++; return c.err }

func TestClosing(t *testing.T) {
	tests := []struct {
		name     string
		f        future.Future[int]
		closeErr error
		wantV    int
		wantErr  error
	}{
		{name: "value", f: future.Ready(7), wantV: 7},
		{name: "error wins over close", f: future.Failed[int](errBoom), closeErr: errors.New("close"), wantErr: errBoom},
		{name: "close error after success", f: future.Ready(1), closeErr: errBoom, wantV: 1, wantErr: errBoom},
		{name: "already closed is fine", f: future.Ready(2), closeErr: net.ErrClosed, wantV: 2},
		{name: "pending first", f: &pendingOnce{v: 3}, wantV: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &closer{err: tc.closeErr}
			f := aio.Closing(c, tc.f)
			if c.closes != 0 {
				t.Fatal("Closing closed before its first poll")
			}
			v, _, err := run(t, f)
			if v != tc.wantV || !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) || c.closes != 1 {
				t.Errorf("Closing = %d, %v with %d closes; want %d, %v with 1", v, err, c.closes, tc.wantV, tc.wantErr)
			}
		})
	}
}

// pendingOnce answers pending once (waking its task), then v.
type pendingOnce struct {
	v       int
	pending bool
}

func (p *pendingOnce) Poll(cx *future.Context) future.Poll[int] {
	if !p.pending {
		p.pending = true
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	return future.Ok(p.v)
}

func TestClosingPanic(t *testing.T) {
	c := &closer{}
	f := aio.Closing(c, future.PollFn(func(*future.Context) future.Poll[int] { panic("handler bug") }))
	func() {
		defer func() {
			if r := recover(); r != "handler bug" {
				t.Errorf("recovered %v; want the handler's panic", r)
			}
		}()
		f.Poll(future.NewContext(nil, nil))
	}()
	if c.closes != 1 {
		t.Errorf("closes after a panic = %d; want 1", c.closes)
	}
}

// ExampleClosing serves one connection with a handler that cannot leak it:
// the connection is closed when the handler is done, however it ends.
func ExampleClosing() {
	client, server, err := socket.UnixPair()
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	handle := combinators.AndThen(aio.ReadExact(server, make([]byte, 2)), func(int) future.Future[int] {
		return aio.WriteAll(server, []byte("ok"))
	})
	ask := combinators.AndThen(aio.WriteAll(client, []byte("hi")), func(int) future.Future[[]byte] {
		return aio.ReadToEnd(client) // ends when the server closes its end
	})
	res, err := driver.Run(combinators.Join(aio.Closing(server, handle), ask))
	fmt.Printf("%d %q %v\n", res.First, res.Second, err)
	// Output: 2 "ok" <nil>
}

// abandonCounter is a pending future that counts Abandon calls.
type abandonCounter struct{ n int }

func (a *abandonCounter) Poll(cx *future.Context) future.Poll[int] {
	cx.Waker()
	return future.Pending[int]()
}

func (a *abandonCounter) Abandon() { a.n++ }

// TestClosingAbandon: an abandoned Closing is the drop: its future is
// abandoned and its closer closed, once.
func TestClosingAbandon(t *testing.T) {
	c, inner := &closer{}, &abandonCounter{}
	f := aio.Closing[int](c, inner)
	cx, _ := testkit.NewContext()
	if p := f.Poll(cx); !p.IsPending() {
		t.Fatal("Closing over a pending future is ready")
	}
	future.Abandon(f)
	future.Abandon(f)
	if c.closes != 1 || inner.n != 1 {
		t.Errorf("after Abandon: %d closes, inner abandoned %d times; want 1, 1", c.closes, inner.n)
	}
}
