package servers

import (
	"context"
	"log"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// gnetEcho is gnet's echo handler: whatever arrives is written back.
type gnetEcho struct {
	gnet.BuiltinEventEngine
	booted chan gnet.Engine
}

func (e *gnetEcho) OnBoot(eng gnet.Engine) gnet.Action {
	e.booted <- eng
	return gnet.None
}

func (e *gnetEcho) OnTraffic(c gnet.Conn) gnet.Action {
	buf, _ := c.Next(-1)
	c.Write(buf)
	return gnet.None
}

// Gnet starts a gnet v2 echo server with loops event loops, each with its
// own SO_REUSEPORT listener, as eddy's, reading BufferSize bytes at most
// per read.
func Gnet(addr string, loops int) (string, func(), error) {
	addr, err := concrete(addr)
	if err != nil {
		return "", nil, err
	}
	h := &gnetEcho{booted: make(chan gnet.Engine, 1)}
	done := make(chan error, 1)
	go func() {
		done <- gnet.Run(h, "tcp://"+addr,
			gnet.WithMulticore(true), gnet.WithNumEventLoop(max(loops, 1)),
			gnet.WithReusePort(true), gnet.WithReadBufferCap(BufferSize),
			gnet.WithLogger(quietLogger{}))
	}()
	var eng gnet.Engine
	select {
	case eng = <-h.booted:
	case err := <-done:
		return "", nil, err
	}
	stop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		eng.Stop(ctx)
		<-done
	}
	return started(addr, stop)
}

// quietLogger drops gnet's debug, info and warning lines.
type quietLogger struct{}

func (quietLogger) Debugf(string, ...any)             {}
func (quietLogger) Infof(string, ...any)              {}
func (quietLogger) Warnf(string, ...any)              {}
func (quietLogger) Errorf(format string, args ...any) { log.Printf("gnet: "+format, args...) }
func (quietLogger) Fatalf(format string, args ...any) { log.Printf("gnet: "+format, args...) }
