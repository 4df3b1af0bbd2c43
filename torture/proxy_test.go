//go:build linux

package torture

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// proxyConfig says what faults a proxy injects.
type proxyConfig struct {
	// MaxPiece bounds the pieces the stream is cut into (log-uniform
	// from 1 byte); zero forwards what each read returns.
	MaxPiece int
	// DelayProb is the chance that a piece waits up to MaxDelay first.
	DelayProb float64
	MaxDelay  time.Duration
	// StallProb is the chance that a piece waits Stall first.
	StallProb float64
	Stall     time.Duration
	// ResetEvery resets (SO_LINGER 0 on both sides) every ResetEvery-th
	// connection accepted, once it has forwarded a random number of bytes
	// below ResetBefore from the client; zero resets none.
	ResetEvery  int
	ResetBefore int64
}

// proxy is a fault-injecting TCP proxy between clients and a server: the
// network path the kernel's loopback cannot make hostile (no tc netem
// here). It is plain Go: a goroutine per direction of each connection.
type proxy struct {
	ln     net.Listener
	target string
	cfg    proxyConfig

	wg       sync.WaitGroup
	vanished chan struct{} // closed: forward nothing more, close nothing
	closed   chan struct{}
	vanishMu sync.Once

	mu     sync.Mutex
	conns  map[*proxyConn]bool
	resets map[string]bool // client addresses of the connections reset
	n      int             // connections accepted

	pieces, stalls atomic.Int64
}

// proxyConn is one proxied connection: the client's socket and the
// server's.
type proxyConn struct {
	client, server *net.TCPConn
	resetAt        int64 // reset once this many client bytes went through; -1: never
	forwarded      int64 // client bytes forwarded (the client-to-server pump's)
	once           sync.Once
}

// startProxy listens on 127.0.0.1 and forwards to target with the faults
// of cfg; it is closed when the test ends.
func startProxy(t testing.TB, target string, cfg proxyConfig) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, cfg: cfg, vanished: make(chan struct{}), closed: make(chan struct{}),
		conns: map[*proxyConn]bool{}, resets: map[string]bool{}}
	p.wg.Go(p.accept)
	t.Cleanup(p.Close)
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) accept() {
	r := rand.New(rand.NewPCG(7, 7))
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.DialTimeout("tcp", p.target, 30*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		pc := &proxyConn{client: c.(*net.TCPConn), server: s.(*net.TCPConn), resetAt: -1}
		p.mu.Lock()
		p.n++
		if p.cfg.ResetEvery > 0 && p.n%p.cfg.ResetEvery == 0 {
			pc.resetAt = r.Int64N(p.cfg.ResetBefore)
		}
		p.conns[pc] = true
		p.mu.Unlock()
		var pumps sync.WaitGroup
		seed := uint64(p.n)
		pumps.Go(func() { p.pump(pc, pc.server, pc.client, true, seed) })
		pumps.Go(func() { p.pump(pc, pc.client, pc.server, false, seed+1<<32) })
		p.wg.Go(func() {
			pumps.Wait()
			select {
			case <-p.vanished:
				return // a vanished peer keeps its sockets until Close
			default:
			}
			p.mu.Lock()
			delete(p.conns, pc)
			p.mu.Unlock()
			pc.client.Close()
			pc.server.Close()
		})
	}
}

// piece draws the size of the next piece: log-uniform in [1, max].
func piece(r *rand.Rand, max int) int {
	return min(1+r.IntN(1<<r.IntN(17)), max)
}

// pump forwards src to dst in pieces, with the configured faults.
func (p *proxy) pump(pc *proxyConn, dst, src *net.TCPConn, fromClient bool, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 11))
	buf := make([]byte, 64<<10)
	maxPiece := p.cfg.MaxPiece
	if maxPiece == 0 {
		maxPiece = len(buf)
	}
	for {
		k, err := src.Read(buf[:piece(r, maxPiece)])
		select {
		case <-p.vanished:
			<-p.closed
			return
		default:
		}
		if k > 0 && fromClient && pc.resetAt >= 0 && pc.forwarded+int64(k) > pc.resetAt {
			p.reset(pc)
			return
		}
		for off := 0; off < k; {
			m := min(piece(r, maxPiece), k-off)
			if f := r.Float64(); f < p.cfg.StallProb {
				p.stalls.Add(1)
				time.Sleep(p.cfg.Stall)
			} else if f < p.cfg.StallProb+p.cfg.DelayProb {
				time.Sleep(time.Duration(r.Int64N(int64(p.cfg.MaxDelay) + 1)))
			}
			if _, werr := dst.Write(buf[off : off+m]); werr != nil {
				p.reset(pc)
				return
			}
			p.pieces.Add(1)
			off += m
		}
		if fromClient {
			pc.forwarded += int64(k)
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			dst.CloseWrite() // pass the half-close on
			return
		case errors.Is(err, net.ErrClosed):
			return
		default: // reset by one side: reset the other
			p.reset(pc)
			return
		}
	}
}

// reset closes both sockets of pc with SO_LINGER 0, which sends RST, and
// records the client's address.
func (p *proxyConn) abort() {
	p.once.Do(func() {
		p.client.SetLinger(0)
		p.server.SetLinger(0)
		p.client.Close()
		p.server.Close()
	})
}

func (p *proxy) reset(pc *proxyConn) {
	p.mu.Lock()
	p.resets[pc.client.RemoteAddr().String()] = true
	p.mu.Unlock()
	pc.abort()
}

// wasReset reports whether the proxy reset the connection of the client
// whose local address is addr.
func (p *proxy) wasReset(addr string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resets[addr]
}

// vanish makes every peer vanish: the proxy forwards nothing more, in
// either direction, and closes nothing (no FIN, no RST) until Close.
func (p *proxy) vanish() { p.vanishMu.Do(func() { close(p.vanished) }) }

// Close stops the proxy and closes every connection it holds.
func (p *proxy) Close() {
	select {
	case <-p.closed:
		return
	default:
	}
	close(p.closed)
	p.ln.Close()
	p.mu.Lock()
	for pc := range p.conns {
		pc.client.Close()
		pc.server.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// isReset reports whether err is what a reset connection answers: a read
// or write fails with ECONNRESET or EPIPE, and a half-close (shutdown)
// that comes after the reset with ENOTCONN.
func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ENOTCONN)
}
