package combinators

import "unsafe"

// Test hooks into the combinators' internals, read by the tests of package
// combinators_test.

// SharedWaiting returns the number of entries in the waiting list of s.
func SharedWaiting[T any](s *Shared[T]) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiting)
}

// The sizes of the combinators of examples/echo's pipeline, which an idle
// connection pays for.
var (
	AndThenSize = unsafe.Sizeof(andThen[int64, int64]{})
	ThenSize    = unsafe.Sizeof(then[int64]{})
)
