package main

import "sync"

// storageSize is the size of the pooled arrays a decoder copies a frame
// into; a larger frame gets storage of its own size, dropped after use.
const storageSize = 4 << 10

// storagePool holds the arrays of decoders whose connections are between
// frames. It holds array pointers, which an interface stores without
// allocating.
var storagePool = sync.Pool{New: func() any { return new([storageSize]byte) }}

// storage is where a decoder copies a frame, taken when a frame comes and
// given back once the frame is done with (the decoder's next answer that it
// needs more input: the frame was valid until then), so that a connection
// between frames holds none, and the steady state allocates nothing.
type storage struct {
	arr *[storageSize]byte // the pool's array, while held
	b   []byte
}

// take returns an empty slice with room for n bytes, valid until release.
func (s *storage) take(n int) []byte {
	if n <= storageSize {
		if s.arr == nil {
			s.arr = storagePool.Get().(*[storageSize]byte)
		}
		s.b = s.arr[:0]
		return s.b
	}
	s.release()
	s.b = make([]byte, 0, n)
	return s.b
}

// release gives the storage back (to the pool, or to the garbage
// collector when it was made for a large frame).
func (s *storage) release() {
	if s.arr != nil {
		storagePool.Put(s.arr)
	}
	s.arr, s.b = nil, nil
}

// held reports whether the storage holds memory.
func (s *storage) held() bool { return s.b != nil }
