package codec_test

import (
	"errors"
	"strconv"

	"github.com/eddyio/eddy/codec"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// readyScript is a script that also implements aio.ReadinessReader, as
// sockets do: it is not ready while its next step is pending.
type readyScript struct {
	testkit.ScriptIO
	readyPolls int
}

func (s *readyScript) PollReadReady(cx *future.Context) future.Poll[struct{}] {
	s.readyPolls++
	if len(s.Reads) > 0 && s.Reads[0].Pending {
		s.Reads = s.Reads[1:]
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
