package codec_test

import (
	"errors"
	"io"
	"strconv"

	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/future"
)

// step is one answer of a scripted reader or writer: pending (waking the
// task first, so a poll loop makes progress), some bytes, or an error.
type step struct {
	pending bool
	data    string // for reads: the bytes given
	n       int    // for writes: bytes accepted
	err     error
}

// script answers PollRead and PollWrite from a list of steps; once its
// reads run out it answers EOF, once its writes run out it accepts all.
type script struct {
	reads, writes []step
	written       []byte
	flushes       int
	shutdowns     int
	readCalls     int
}

func (s *script) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	s.readCalls++
	if len(s.reads) == 0 {
		return future.Fail[int](io.EOF)
	}
	st := s.reads[0]
	if st.pending {
		s.reads = s.reads[1:]
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	n := copy(p, st.data)
	if n < len(st.data) {
		s.reads[0].data = st.data[n:]
		return future.Ok(n)
	}
	s.reads = s.reads[1:]
	if st.err != nil {
		return future.Result(n, st.err)
	}
	return future.Ok(n)
}

func (s *script) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	if len(s.writes) == 0 {
		s.written = append(s.written, p...)
		return future.Ok(len(p))
	}
	st := s.writes[0]
	s.writes = s.writes[1:]
	if st.pending {
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	n := min(st.n, len(p))
	s.written = append(s.written, p[:n]...)
	return future.Result(n, st.err)
}

func (s *script) PollFlush(*future.Context) future.Poll[struct{}] {
	s.flushes++
	return future.Ok(struct{}{})
}

func (s *script) PollShutdown(*future.Context) future.Poll[struct{}] {
	s.shutdowns++
	return future.Ok(struct{}{})
}

// readyScript is a script that also implements aio.ReadinessReader, as
// sockets do: it is not ready while its next step is pending.
type readyScript struct {
	script
	readyPolls int
}

func (s *readyScript) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	s.readyPolls++
	if len(s.reads) > 0 && s.reads[0].pending {
		s.reads = s.reads[1:]
		cx.Waker().Wake()
		return future.Pending[struct{}]()
	}
	return future.Ok(struct{}{})
}

// fixed is a test codec of frames of n bytes, as strings; Encode refuses
// a frame of another length.
type fixed struct{ n int }

func (c fixed) Decode(src *codec.Buffer) (string, bool, error) {
	if src.Len() < c.n {
		return "", false, nil
	}
	s := string(src.Bytes()[:c.n])
	src.Advance(c.n)
	return s, true, nil
}

func (c fixed) Encode(dst []byte, frame string) ([]byte, error) {
	if len(frame) != c.n {
		return dst, errors.New("fixed: frame of " + strconv.Itoa(len(frame)) + " bytes")
	}
	return append(dst, frame...), nil
}

// maxFixed is fixed with a maximum frame length of its own.
type maxFixed struct {
	fixed
	max int
}

func (c maxFixed) MaxFrameLength() int { return c.max }

var errBoom = errors.New("boom")
