package copy

import (
	"unsafe"

	"github.com/eddyio/eddy/future"
)

// HoldsBuffer reports whether f, a future made by Copy, holds a buffer.
func HoldsBuffer(f future.Future[int64]) bool { return f.(*copyFuture).buf != nil }

// FutureSize is the size of a Copy's state; PooledBufferSize that of the
// buffer it holds while data flows.
const (
	FutureSize       = unsafe.Sizeof(copyFuture{})
	PooledBufferSize = unsafe.Sizeof(buffer{})
)
