package tlsio

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	"github.com/eddyio/eddy/aio"
	"github.com/eddyio/eddy/future"
)

// Stream is a TLS connection over an [aio.AsyncReadWriter]: an
// [aio.AsyncReader], [aio.AsyncWriter] and [aio.ReadinessReader] whose
// bytes are the application data of the TLS session. The protocol is
// crypto/tls's own; see the package doc for how it is driven.
//
// A Stream belongs to the loop that polls it, as its stream below does. One
// task may read while another writes (the handshake wakes both); two tasks
// reading, or two writing, at once is not supported. Close may be called
// from any goroutine.
type Stream struct {
	conn aio.AsyncReadWriter
	tc   *tls.Conn

	hs     atomic.Pointer[exchange] // the handshake under way; nil before and after
	hsDone bool                     // the handshake is over, with hsErr
	hsErr  error

	cx      *future.Context // the polling task's, while a poll calls into tc
	sawEOF  bool            // the stream below reached its end
	connErr error           // the last error of the stream below, as it gave it

	// buffered is false only when crypto/tls is known to hold no complete
	// record: its last Read wanted bytes the stream below did not have.
	buffered bool

	out          *[]byte // records not yet written (pooled); nil when none
	outPos       int
	werr         error // sticky: the stream below failed a write
	writerParked bool  // a write-side poll answered pending on the stream below
	shut         uint8 // 1: close_notify queued; 2: the stream below is shut down

	closed atomic.Bool
}

// Client returns a Stream that runs the client side of TLS over conn with
// cfg, as tls.Client does over a net.Conn. cfg must set ServerName or
// InsecureSkipVerify. Nothing happens until the stream is polled: the
// first poll of any kind starts the handshake.
func Client(conn aio.AsyncReadWriter, cfg *tls.Config) *Stream {
	s := &Stream{conn: conn}
	s.tc = tls.Client((*recordConn)(s), config(cfg))
	return s
}

// Server returns a Stream that runs the server side of TLS over conn with
// cfg, as tls.Server does over a net.Conn. cfg must hold a certificate (or
// GetCertificate or GetConfigForClient). Nothing happens until the stream
// is polled.
func Server(conn aio.AsyncReadWriter, cfg *tls.Config) *Stream {
	s := &Stream{conn: conn}
	s.tc = tls.Server((*recordConn)(s), config(cfg))
	return s
}

// config turns renegotiation off: a renegotiation would run a handshake
// inside a read, on the loop, where it cannot wait. RenegotiateNever is
// crypto/tls's default, so the config is copied only when it asked for
// something else.
func config(cfg *tls.Config) *tls.Config {
	if cfg != nil && cfg.Renegotiation != tls.RenegotiateNever {
		cfg = cfg.Clone()
		cfg.Renegotiation = tls.RenegotiateNever
	}
	return cfg
}

// Handshake returns a lazy future that runs the handshake, if it has not
// run, and is ready once it is over, with its error if it failed. Reads
// and writes run the handshake first themselves, so calling it is needed
// only to see its outcome (ConnectionState, a certificate error) before
// any data flows. Abandoning the future while the handshake runs (a
// timer.Timeout that fired) stops the handshake: its goroutine ends, and the
// stream fails with [ErrHandshakeAbandoned].
func (s *Stream) Handshake() future.Future[struct{}] { return &handshakeFuture{s: s} }

// ConnectionState returns the state of the TLS session once the handshake
// has succeeded, and the zero ConnectionState before.
func (s *Stream) ConnectionState() tls.ConnectionState {
	if !s.hsDone || s.hsErr != nil {
		return tls.ConnectionState{}
	}
	return s.tc.ConnectionState()
}

// ErrTruncated is the read error of a stream whose peer ended the connection
// without close_notify: the data read may be cut short (a truncation attack
// looks like this). errors.Is(err, io.ErrUnexpectedEOF) holds for it. A peer
// that sent close_notify ends the stream with io.EOF.
var ErrTruncated = fmt.Errorf("tlsio: connection closed without close_notify: %w", io.ErrUnexpectedEOF)

// errClosed is the error of every poll after Close.
var errClosed = fmt.Errorf("tlsio: %w", net.ErrClosed)

// PollRead reads application data into p; see aio.AsyncReader. It runs
// the handshake first. The end of input is io.EOF after the peer's
// close_notify, and [ErrTruncated] when the connection ended without it.
// Errors of the stream below come back as it gave them; errors of the TLS
// protocol (a bad record, an alert from the peer) are wrapped as
// "tlsio: read: ...".
func (s *Stream) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	if h := s.pollRole(cx, roleRead); h.IsPending() || h.Err() != nil {
		return forward[int](h)
	}
	if len(p) == 0 {
		return future.Ok(0)
	}
	s.flushForReader(cx)
	s.cx = cx
	n, err := s.tc.Read(p)
	s.cx = nil
	s.flushForReader(cx) // what reading wrote: a KeyUpdate, an alert
	switch {
	case n > 0:
		s.buffered = true // more may wait in crypto/tls
		return future.Ok(n)
	case err == errWouldBlock:
		s.buffered = false
		return future.Pending[int]()
	case s.sawEOF && (err == io.EOF || err == io.ErrUnexpectedEOF):
		return future.Fail[int](ErrTruncated)
	case err == io.EOF:
		return future.Result(0, io.EOF)
	case err == nil:
		return future.Fail[int](io.ErrNoProgress) // not reached: crypto/tls reads until it has data
	}
	return future.Fail[int](s.wrap("read", err))
}

// PollReadReady answers ready when a read may make progress; see
// aio.ReadinessReader. It runs the handshake first. While crypto/tls may
// hold input it answers ready; once a read found nothing it asks the
// stream below, so that a copy over an idle TLS stream holds no buffer.
func (s *Stream) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	if h := s.pollRole(cx, roleRead); h.IsPending() || h.Err() != nil {
		return h
	}
	s.flushForReader(cx)
	if s.buffered {
		return future.Ok(struct{}{})
	}
	if rr, ok := s.conn.(aio.ReadinessReader); ok {
		return rr.PollReadReady(cx)
	}
	return future.Ok(struct{}{})
}

// PollWrite writes up to 16 KiB of p as application data; see
// aio.AsyncWriter. It runs the handshake first. The records go to an
// output buffer that is written to the stream below at once and, for what
// the stream below does not take, by the next PollWrite, PollFlush or
// PollShutdown (or a read, when no write waits): as with any buffered
// writer, flush before waiting for an answer. PollWrite answers pending
// while records of an earlier write are still buffered.
func (s *Stream) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	if h := s.pollRole(cx, roleWrite); h.IsPending() || h.Err() != nil {
		return forward[int](h)
	}
	s.writerParked = false
	if len(p) == 0 {
		return future.Ok(0)
	}
	if f := s.flush(cx); f.IsPending() || f.Err() != nil {
		return forward[int](f)
	}
	if len(p) > maxWrite {
		p = p[:maxWrite]
	}
	n, err := s.tc.Write(p) // into the output buffer: never fails on I/O
	if err != nil {
		return future.Result(n, s.wrap("write", err))
	}
	if f := s.flush(cx); f.IsReady() && f.Err() != nil {
		return future.Result(n, f.Err())
	}
	return future.Ok(n)
}

// PollFlush writes the buffered records to the stream below and flushes
// it; see aio.AsyncWriter. It runs the handshake first.
func (s *Stream) PollFlush(cx *future.Context) future.Poll[struct{}] {
	if h := s.pollRole(cx, roleWrite); h.IsPending() || h.Err() != nil {
		return h
	}
	s.writerParked = false
	if f := s.flush(cx); f.IsPending() || f.Err() != nil {
		return f
	}
	return s.conn.PollFlush(cx)
}

// PollShutdown sends close_notify, writes it out with everything buffered,
// and shuts down the write side of the stream below (for TCP: FIN); see
// aio.AsyncWriter. Reading goes on: the peer's answer, if it sends one,
// ends with its close_notify (io.EOF). It runs the handshake first.
func (s *Stream) PollShutdown(cx *future.Context) future.Poll[struct{}] {
	if h := s.pollRole(cx, roleWrite); h.IsPending() || h.Err() != nil {
		return h
	}
	s.writerParked = false
	if s.shut == 0 {
		if f := s.flush(cx); f.IsPending() || f.Err() != nil {
			return f
		}
		if err := s.tc.CloseWrite(); err != nil { // queues close_notify
			return future.Fail[struct{}](s.wrap("shutdown", err))
		}
		s.shut = 1
	}
	if f := s.flush(cx); f.IsPending() || f.Err() != nil {
		return f
	}
	if s.shut == 1 {
		p := s.conn.PollShutdown(cx)
		if p.IsPending() {
			s.writerParked = true
			return p
		}
		if p.Err() != nil {
			return p
		}
		s.shut = 2
	}
	return future.Ok(struct{}{})
}

// Close stops the handshake if it runs (its goroutine ends) and closes the
// stream below if it is an io.Closer, which wakes the tasks parked on it;
// every later poll fails with an error that wraps net.ErrClosed. It sends
// no close_notify: shut down first (aio.Shutdown) for an orderly end. A
// second Close answers that error too.
func (s *Stream) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return errClosed
	}
	if h := s.hs.Load(); h != nil {
		h.stop(errClosed)
	}
	if c, ok := s.conn.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// pollRole checks the stream is open and runs the handshake for a task of
// role r.
func (s *Stream) pollRole(cx *future.Context, r int) future.Poll[struct{}] {
	if s.closed.Load() {
		s.dropOut()
		return future.Fail[struct{}](errClosed)
	}
	if s.hsDone {
		return future.Fail[struct{}](s.hsErr) // ready, with nil on success
	}
	return s.pollHandshake(cx, r)
}

// endHandshake records the handshake's outcome; the goroutine has ended
// its calls.
func (s *Stream) endHandshake(err error) {
	s.hs.Store(nil)
	s.hsDone = true
	s.buffered = true // the handshake's reads may have taken application data
	switch {
	case err == nil:
	case err == errClosed || err == ErrHandshakeAbandoned || err == errStopped:
		s.hsErr = err
	default:
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // the peer left mid-handshake
		}
		if rh, ok := err.(tls.RecordHeaderError); ok {
			rh.Conn = nil // our record conn is no business of the caller's
			err = rh
		}
		s.hsErr = fmt.Errorf("tlsio: handshake: %w", err)
	}
}

// wrap gives an error of crypto/tls the package's prefix. The stream
// below's own errors pass as they are.
func (s *Stream) wrap(op string, err error) error {
	if err == nil || err == io.EOF || (s.connErr != nil && err == s.connErr) {
		return err
	}
	return fmt.Errorf("tlsio: %s: %w", op, err)
}

// maxWrite is the most plaintext one PollWrite takes: one full record.
const maxWrite = 16 << 10

// outSize is the size of the pooled output buffers: a full write's records
// with their overhead fit (crypto/tls's smallest records carry about 1 KiB,
// and each costs at most 70 bytes of header, nonce, tag and padding).
const outSize = 20 << 10

// outPool holds the output buffers of streams that have nothing to write,
// so that an idle stream holds none.
var outPool = sync.Pool{New: func() any { b := make([]byte, 0, outSize); return &b }}

// queue appends records to the output buffer, taking one from the pool if
// the stream holds none.
func (s *Stream) queue(p []byte) {
	if s.out == nil {
		s.out = outPool.Get().(*[]byte)
	}
	*s.out = append(*s.out, p...)
}

// flush writes the output buffer to the stream below, giving the buffer
// back once it is empty.
func (s *Stream) flush(cx *future.Context) future.Poll[struct{}] {
	if s.werr != nil {
		return future.Fail[struct{}](s.werr)
	}
	for s.out != nil {
		p := s.conn.PollWrite(cx, (*s.out)[s.outPos:])
		if p.IsPending() {
			s.writerParked = true
			return future.Pending[struct{}]()
		}
		n, err := p.Result()
		if err == nil && n == 0 {
			err = errWriteZero
		}
		if err != nil {
			s.werr = err
			s.dropOut()
			return future.Fail[struct{}](err)
		}
		if s.outPos += n; s.outPos == len(*s.out) {
			s.dropOut()
		}
	}
	return future.Ok(struct{}{})
}

// flushForReader writes out what is buffered when no writer task is parked
// on the stream below: a read must not take the write side's waker from a
// writer that waits there, and the writer flushes when it wakes. Its
// outcome is for the writer to see.
func (s *Stream) flushForReader(cx *future.Context) {
	if s.out != nil && !s.writerParked {
		s.flush(cx)
		s.writerParked = false // the reader's waker is parked, not a writer's
	}
}

// dropOut gives the output buffer back to the pool.
func (s *Stream) dropOut() {
	if s.out != nil {
		*s.out = (*s.out)[:0]
		outPool.Put(s.out)
		s.out, s.outPos = nil, 0
	}
}

var _ aio.AsyncReadWriter = (*Stream)(nil)
var _ aio.ReadinessReader = (*Stream)(nil)

// forward answers a step's pending or failure as a poll of another type.
func forward[T any](p future.Poll[struct{}]) future.Poll[T] {
	if p.IsPending() {
		return future.Pending[T]()
	}
	return future.Fail[T](p.Err())
}
