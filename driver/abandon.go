package driver

import "github.com/eddyio/eddy/future"

// Abandon tells the future a Spawn was to start, if it never was, that it is
// given up (contract 11): an unstarted handler releases what it holds.
func (s *spawnFuture) Abandon() {
	if f := s.f; f != nil {
		s.f = nil
		future.Abandon(f)
	}
}
