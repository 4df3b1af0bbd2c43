package tlsio

import (
	"io"
	"net"
	"time"
)

// wouldBlock is what the record layer's conn answers, on the loop, when the
// stream below has nothing to give: crypto/tls treats a net.Error whose
// Temporary method reports true as a retryable error. readRecordOrCCS
// (crypto/tls/conn.go) then leaves the partial record in the Conn's raw
// input and sets no sticky error, so the next Read goes on from there.
type wouldBlock struct{}

func (wouldBlock) Error() string   { return "tlsio: would block" }
func (wouldBlock) Timeout() bool   { return true }
func (wouldBlock) Temporary() bool { return true }

var errWouldBlock net.Error = wouldBlock{}

// recordConn is the net.Conn under the Stream's tls.Conn: the Stream seen
// through another method set, so it costs no allocation.
//
// While the handshake runs, its Read and Write are called by the handshake
// goroutine and go through the exchange (s.hs), which the loop's task
// serves. After the handshake they are called only from inside the Stream's
// polls, on the loop: Read reads the stream below straight into crypto/tls's
// own raw-input buffer with the polling task's context (s.cx), and answers
// wouldBlock where that read is pending; Write appends the records to the
// Stream's output buffer, which the polls flush, and never fails, so that
// crypto/tls never records a write error.
type recordConn Stream

func (c *recordConn) Read(p []byte) (int, error) {
	s := (*Stream)(c)
	if h := s.hs.Load(); h != nil {
		return h.do(opRead, p)
	}
	if s.cx == nil || len(p) == 0 {
		return 0, errWouldBlock // not reached: crypto/tls reads only inside a poll
	}
	r := s.conn.PollRead(s.cx, p)
	if r.IsPending() {
		return 0, errWouldBlock
	}
	n, err := r.Result()
	switch {
	case err == io.EOF:
		s.sawEOF = true
	case err != nil:
		s.connErr = err
	case n == 0:
		err = io.ErrNoProgress // a reader breaking its contract: no busy loop
		s.connErr = err
	}
	return n, err
}

func (c *recordConn) Write(p []byte) (int, error) {
	s := (*Stream)(c)
	if h := s.hs.Load(); h != nil {
		return h.do(opWrite, p)
	}
	s.queue(p)
	return len(p), nil
}

// Close is never called by crypto/tls as the Stream uses it (the Stream
// never calls tls.Conn.Close).
func (c *recordConn) Close() error { return nil }

// LocalAddr and RemoteAddr answer the stream's addresses when it has them.
func (c *recordConn) LocalAddr() net.Addr {
	if a, ok := c.conn.(interface{ LocalAddr() net.Addr }); ok {
		return a.LocalAddr()
	}
	return noAddr{}
}

func (c *recordConn) RemoteAddr() net.Addr {
	if a, ok := c.conn.(interface{ RemoteAddr() net.Addr }); ok {
		return a.RemoteAddr()
	}
	return noAddr{}
}

// Deadlines mean nothing here: nothing blocks. crypto/tls sets them around
// close_notify only.
func (c *recordConn) SetDeadline(time.Time) error      { return nil }
func (c *recordConn) SetReadDeadline(time.Time) error  { return nil }
func (c *recordConn) SetWriteDeadline(time.Time) error { return nil }

// noAddr is the address of a stream that has none.
type noAddr struct{}

func (noAddr) Network() string { return "async" }
func (noAddr) String() string  { return "async" }
