package codec

import "sync"

// StorageSize is the size of the pooled arrays a [Storage] lends; a larger
// frame gets memory of its own size, dropped after use.
const StorageSize = 4 << 10

// storagePool holds the arrays of Storages that hold no frame. It holds
// array pointers, which an interface stores without allocating.
var storagePool = sync.Pool{New: func() any { return new([StorageSize]byte) }}

// Storage is memory a decoder copies a frame into, so that the frame
// outlives the read buffer without an allocation per frame: [Decoder.Decode]
// must not hand out the buffer's bytes, which are reused.
//
// A decoder takes storage when a frame comes and releases it once the frame
// is done with; a decoder that answers frames valid until its next "need
// more" answer releases it there, so that a connection between frames holds
// none (contract 9: idle connections hold no buffer). Its zero value holds
// nothing and is ready to use.
type Storage struct {
	arr *[StorageSize]byte // the pool's array, while held
	b   []byte
}

// Take returns an empty slice with room for n bytes, valid until the next
// Take or Release. Up to [StorageSize] bytes come from a shared pool.
func (s *Storage) Take(n int) []byte {
	if n <= StorageSize {
		if s.arr == nil {
			s.arr = storagePool.Get().(*[StorageSize]byte)
		}
		s.b = s.arr[:0]
		return s.b
	}
	s.Release()
	s.b = make([]byte, 0, n)
	return s.b
}

// Release gives the memory back: to the pool, or to the garbage collector
// when it was made for a large frame.
func (s *Storage) Release() {
	if s.arr != nil {
		storagePool.Put(s.arr)
	}
	s.arr, s.b = nil, nil
}

// Held reports whether the storage holds memory.
func (s *Storage) Held() bool { return s.b != nil }
