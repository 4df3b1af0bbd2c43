package codec

// Bytes is the codec of raw chunks: each read's bytes are one frame
// (copied out of the read buffer, so a frame is at most [ReadBufferSize]
// bytes), and a frame written is written as it is. Its zero value is ready
// to use; it keeps no state.
type Bytes struct{}

// Decode takes every buffered byte as one frame, a copy; with nothing
// buffered it needs more.
func (Bytes) Decode(src *Buffer) ([]byte, bool, error) {
	if src.Len() == 0 {
		return nil, false, nil
	}
	frame := append([]byte(nil), src.Bytes()...)
	src.Advance(len(frame))
	return frame, true, nil
}

// Encode appends frame to dst.
func (Bytes) Encode(dst []byte, frame []byte) ([]byte, error) { return append(dst, frame...), nil }
