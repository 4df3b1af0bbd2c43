package codec

// ReadHoldsBuffer reports whether f holds a read buffer.
func ReadHoldsBuffer[T any](f *FramedRead[T]) bool { return f.holdsBuffer() }

// ReadBufferCap is the capacity of the read buffer f holds, 0 if none.
func ReadBufferCap[T any](f *FramedRead[T]) int { return cap(f.in.buf) }

// WriteHoldsBuffer reports whether f holds an output buffer.
func WriteHoldsBuffer[T any](f *FramedWrite[T]) bool { return f.holdsBuffer() }

// LinesSearched is how far l has searched a partial line for a newline.
func LinesSearched(l *Lines) int { return l.next }
