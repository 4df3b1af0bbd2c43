package servers

import (
	"github.com/lesismal/nbio"
	"github.com/lesismal/nbio/logging"
)

// Nbio starts a lesismal/nbio echo server with loops pollers, reading in
// the poller goroutines (nbio's default), into a buffer of BufferSize bytes.
func Nbio(addr string, loops int) (string, func(), error) {
	addr, err := concrete(addr)
	if err != nil {
		return "", nil, err
	}
	logging.SetLevel(logging.LevelError)
	e := nbio.NewEngine(nbio.Config{Network: "tcp", Addrs: []string{addr}, NPoller: max(loops, 1),
		ReadBufferSize: BufferSize})
	e.OnData(func(c *nbio.Conn, data []byte) { c.Write(data) })
	if err := e.Start(); err != nil {
		return "", nil, err
	}
	return started(addr, e.Stop)
}
