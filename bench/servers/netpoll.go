package servers

import (
	"context"
	"net"
	"time"

	"github.com/cloudwego/netpoll"
)

// Netpoll starts a cloudwego/netpoll echo server. netpoll's pollers are
// global to the process: loops sets their number (netpoll.SetNumLoops)
// for every netpoll server of the process, and they outlive the server.
// The handler runs on netpoll's goroutine pool, as netpoll does by
// default.
func Netpoll(addr string, loops int) (string, func(), error) {
	if err := netpoll.SetNumLoops(max(loops, 1)); err != nil {
		return "", nil, err
	}
	l, err := netpoll.CreateListener("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	evl, err := netpoll.NewEventLoop(netpollEcho)
	if err != nil {
		l.Close()
		return "", nil, err
	}
	done := make(chan error, 1)
	go func() { done <- evl.Serve(l) }()
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		evl.Shutdown(ctx)
		<-done
	}
	return started(l.Addr().(*net.TCPAddr).String(), stop)
}

// netpollEcho writes back what has arrived on conn.
func netpollEcho(_ context.Context, conn netpoll.Connection) error {
	r, w := conn.Reader(), conn.Writer()
	n := r.Len()
	if n == 0 {
		return nil
	}
	in, err := r.Next(n)
	if err != nil {
		return err
	}
	out, err := w.Malloc(n)
	if err != nil {
		return err
	}
	copy(out, in)
	r.Release()
	return w.Flush()
}
