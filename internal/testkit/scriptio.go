package testkit

import (
	"io"

	"github.com/eddyio/eddy/future"
)

// IOStep is one answer of a [ScriptIO]: pending (waking the task first, so
// a poll loop makes progress), some bytes, or an error.
type IOStep struct {
	Pending bool
	Data    string // for reads: the bytes given
	N       int    // for writes: the bytes accepted
	Err     error  // after Data (reads) or with N (writes)
}

// ScriptIO is an aio.AsyncReader and aio.AsyncWriter that answers its
// reads and writes from scripts of steps. A read step's Data may take
// several reads to hand out, its Err coming with the last of them; once
// Reads runs out, reads answer io.EOF, and once Writes runs out, writes
// accept everything. It counts its calls.
type ScriptIO struct {
	Reads, Writes         []IOStep
	Written               []byte // every byte written
	ReadCalls, WriteCalls int
	Flushes, Shutdowns    int
}

// PollRead answers the next read step.
func (s *ScriptIO) PollRead(cx *future.Context, p []byte) future.Poll[int] {
	s.ReadCalls++
	if len(s.Reads) == 0 {
		return future.Fail[int](io.EOF)
	}
	st := s.Reads[0]
	if st.Pending {
		s.Reads = s.Reads[1:]
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	n := copy(p, st.Data)
	if n < len(st.Data) {
		s.Reads[0].Data = st.Data[n:]
		return future.Ok(n)
	}
	s.Reads = s.Reads[1:]
	return future.Result(n, st.Err)
}

// PollWrite answers the next write step.
func (s *ScriptIO) PollWrite(cx *future.Context, p []byte) future.Poll[int] {
	s.WriteCalls++
	if len(s.Writes) == 0 {
		s.Written = append(s.Written, p...)
		return future.Ok(len(p))
	}
	st := s.Writes[0]
	s.Writes = s.Writes[1:]
	if st.Pending {
		cx.Waker().Wake()
		return future.Pending[int]()
	}
	n := min(st.N, len(p))
	s.Written = append(s.Written, p[:n]...)
	return future.Result(n, st.Err)
}

// PollFlush counts the flush and is ready.
func (s *ScriptIO) PollFlush(*future.Context) future.Poll[struct{}] {
	s.Flushes++
	return future.Ok(struct{}{})
}

// PollShutdown counts the shutdown and is ready.
func (s *ScriptIO) PollShutdown(*future.Context) future.Poll[struct{}] {
	s.Shutdowns++
	return future.Ok(struct{}{})
}
