package aio

import "github.com/eddyio/eddy/stream"

// LinesHoldsBuffer reports whether s, a stream made by Lines or LinesLimit,
// holds a buffer.
func LinesHoldsBuffer(s stream.Stream[string]) bool { return s.(*lines).buf != nil }

// LinesBufferCap is the capacity of the buffer s holds, 0 if none.
func LinesBufferCap(s stream.Stream[string]) int { return cap(s.(*lines).buf) }
