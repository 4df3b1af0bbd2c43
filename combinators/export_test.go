package combinators

// Test hooks into the combinators' internals, read by the tests of package
// combinators_test.

// SharedWaiting returns the number of entries in the waiting list of s.
func SharedWaiting[T any](s *Shared[T]) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiting)
}
