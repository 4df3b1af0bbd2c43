package socket

import (
	"io"
	"net"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/netpoll"
)

// ShutdownHow selects the side(s) Shutdown closes.
type ShutdownHow int

// The sides of a connection Shutdown can close.
const (
	ShutdownRead  ShutdownHow = iota // no more reads (SHUT_RD)
	ShutdownWrite                    // no more writes: the peer reads EOF (SHUT_WR)
	ShutdownBoth                     // both (SHUT_RDWR)
)

// sysHow returns the system's constant for how; a value that is none of
// the three passes through, and the kernel refuses it with EINVAL.
func sysHow(how ShutdownHow) int {
	switch how {
	case ShutdownRead:
		return unix.SHUT_RD
	case ShutdownWrite:
		return unix.SHUT_WR
	case ShutdownBoth:
		return unix.SHUT_RDWR
	}
	return int(how)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SetKeepAlive turns TCP keep-alive probes on or off (SO_KEEPALIVE).
func (s *TCPStream) SetKeepAlive(on bool) error {
	return s.setsockopt(unix.SOL_SOCKET, unix.SO_KEEPALIVE, boolInt(on))
}

// KeepAlive reports whether keep-alive probes are on.
func (s *TCPStream) KeepAlive() (bool, error) {
	v, err := s.getsockopt(unix.SOL_SOCKET, unix.SO_KEEPALIVE)
	return v != 0, err
}

// SetKeepAlivePeriod turns keep-alive on and sets both the idle time before
// the first probe and the interval between probes to d, rounded up to whole
// seconds, as net.TCPConn.SetKeepAlivePeriod does.
func (s *TCPStream) SetKeepAlivePeriod(d time.Duration) error {
	if d <= 0 {
		return s.opError("set", &net.AddrError{Err: "keep-alive period must be positive"})
	}
	secs := int((d + time.Second - 1) / time.Second)
	if keepIdleOpt < 0 {
		return s.opError("set", os.NewSyscallError("setsockopt", unix.ENOPROTOOPT))
	}
	if err := s.SetKeepAlive(true); err != nil {
		return err
	}
	if err := s.setsockopt(unix.IPPROTO_TCP, keepIdleOpt, secs); err != nil {
		return err
	}
	return s.setsockopt(unix.IPPROTO_TCP, keepIntvlOpt, secs)
}

// KeepAlivePeriod returns the idle time before the first keep-alive probe.
func (s *TCPStream) KeepAlivePeriod() (time.Duration, error) {
	v, err := s.getsockopt(unix.IPPROTO_TCP, keepIdleOpt)
	return time.Duration(v) * time.Second, err
}

// SetLinger sets what Close does with unsent data (SO_LINGER), as
// net.TCPConn.SetLinger: sec < 0 (the default) sends it in the background;
// sec == 0 discards it and resets the connection (the peer sees
// ECONNRESET); sec > 0 lingers up to sec seconds. Note that a lingering
// close blocks the calling goroutine (it is then made as a blocking system
// call; otherwise close(2) returns at once and is made as a raw one).
func (s *TCPStream) SetLinger(sec int) error {
	l := unix.Linger{}
	if sec >= 0 {
		l.Onoff, l.Linger = 1, int32(sec)
	}
	if err := s.fd.Incref(); err != nil {
		return s.opError("set", err)
	}
	defer s.fd.Decref()
	if err := unix.SetsockoptLinger(s.fd.Sysfd(), unix.SOL_SOCKET, unix.SO_LINGER, &l); err != nil {
		return s.opError("set", os.NewSyscallError("setsockopt", err))
	}
	s.fd.SetLingers(sec > 0) // sec == 0 resets at once: close does not wait
	return nil
}

// Linger returns the SO_LINGER setting in SetLinger's terms.
func (s *TCPStream) Linger() (int, error) {
	if err := s.fd.Incref(); err != nil {
		return 0, s.opError("get", err)
	}
	defer s.fd.Decref()
	l, err := unix.GetsockoptLinger(s.fd.Sysfd(), unix.SOL_SOCKET, unix.SO_LINGER)
	if err != nil {
		return 0, s.opError("get", os.NewSyscallError("getsockopt", err))
	}
	if l.Onoff == 0 {
		return -1, nil
	}
	return int(l.Linger), nil
}

// SetReadBuffer sets the size of the kernel's receive buffer (SO_RCVBUF).
// Linux doubles the value for its own bookkeeping; ReadBuffer reports what
// the kernel chose.
func (s *TCPStream) SetReadBuffer(bytes int) error {
	return s.setsockopt(unix.SOL_SOCKET, unix.SO_RCVBUF, bytes)
}

// ReadBuffer returns the size of the kernel's receive buffer.
func (s *TCPStream) ReadBuffer() (int, error) { return s.getsockopt(unix.SOL_SOCKET, unix.SO_RCVBUF) }

// SetWriteBuffer sets the size of the kernel's send buffer (SO_SNDBUF).
func (s *TCPStream) SetWriteBuffer(bytes int) error {
	return s.setsockopt(unix.SOL_SOCKET, unix.SO_SNDBUF, bytes)
}

// WriteBuffer returns the size of the kernel's send buffer.
func (s *TCPStream) WriteBuffer() (int, error) { return s.getsockopt(unix.SOL_SOCKET, unix.SO_SNDBUF) }

// SetTTL sets the time-to-live of outgoing packets (IP_TTL, or
// IPV6_UNICAST_HOPS on an IPv6 socket).
func (s *TCPStream) SetTTL(ttl int) error {
	level, name := s.ttlOpt()
	return s.setsockopt(level, name, ttl)
}

// TTL returns the time-to-live of outgoing packets.
func (s *TCPStream) TTL() (int, error) {
	level, name := s.ttlOpt()
	return s.getsockopt(level, name)
}

func (s *TCPStream) ttlOpt() (level, name int) {
	if a, ok := s.LocalAddr().(*net.TCPAddr); ok && a.IP.To4() == nil {
		return unix.IPPROTO_IPV6, unix.IPV6_UNICAST_HOPS
	}
	return unix.IPPROTO_IP, unix.IP_TTL
}

// PollPeek reads into p what PollRead would, but leaves it in the socket:
// the next read returns the same bytes (MSG_PEEK).
func (s *TCPStream) PollPeek(cx *future.Context, p []byte) future.Poll[int] {
	if len(p) == 0 {
		return future.Ok(0)
	}
	r := netpoll.PollIO(&s.fd, cx, netpoll.Read, "recvfrom", func(fd int) (int, error) {
		n, _, err := unix.Recvfrom(fd, p, unix.MSG_PEEK)
		return max(n, 0), err
	})
	if r.IsReady() && r.Err() == nil && r.Value() == 0 {
		return future.Fail[int](io.EOF)
	}
	if raceEnabled && r.IsReady() && r.Err() == nil {
		raceAfterRead()
	}
	return wrapConn(&s.conn, "read", r)
}

// Peek returns a future of the bytes PollPeek reads into p.
func (s *TCPStream) Peek(p []byte) future.Future[int] {
	return future.PollFn(func(cx *future.Context) future.Poll[int] { return s.PollPeek(cx, p) })
}

// PollWriteVectored writes the buffers in order with one system call
// (sendmsg, which gathers them as writev does): ready with the total count
// written, which may end partway through a buffer. At most 1024 buffers
// (IOV_MAX) are written per call. Like PollWrite, it never raises SIGPIPE.
func (s *TCPStream) PollWriteVectored(cx *future.Context, bufs [][]byte) future.Poll[int] {
	if len(bufs) > 1024 {
		bufs = bufs[:1024]
	}
	return wrapConn(&s.conn, "write", netpoll.PollIO(&s.fd, cx, netpoll.Write, "sendmsg", func(fd int) (int, error) {
		if raceEnabled {
			raceBeforeWrite()
		}
		n, err := sendv(fd, bufs)
		if raceEnabled {
			left := n
			for _, b := range bufs {
				if left <= 0 {
					break
				}
				raceWrote(b[:min(left, len(b))])
				left -= len(b)
			}
		}
		return max(n, 0), err
	}))
}
