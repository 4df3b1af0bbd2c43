package copy

import "github.com/eddyio/eddy/future"

// HoldsBuffer reports whether f, a future made by Copy, holds a buffer.
func HoldsBuffer(f future.Future[int64]) bool { return f.(*copyFuture).buf != nil }
