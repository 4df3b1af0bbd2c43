package combinators

import (
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// Merge returns a stream of the items of all of ss, interleaved as they come
// (futures 0.1's select, for many streams). It ends when every one of ss has
// ended.
//
// Polling is round-robin: each poll starts with the stream after the one that
// yielded last, so a stream that is always ready cannot starve the others. A
// poll polls each live stream at most once and answers pending when all of
// them did. Item errors pass through and end nothing; a stream that ended is
// dropped. Merge is lazy; the slice ss is copied.
func Merge[T any](ss ...stream.Stream[T]) stream.Stream[T] {
	m := &sMerge[T]{ss: append([]stream.Stream[T](nil), ss...)}
	for _, s := range m.ss {
		if s != nil {
			m.live++
		}
	}
	return m
}

type sMerge[T any] struct {
	ss   []stream.Stream[T] // an ended stream's entry is nil
	next int                // where the next poll starts
	live int
}

func (m *sMerge[T]) PollNext(cx *future.Context) stream.Poll[T] {
	for range len(m.ss) {
		if m.live == 0 {
			break
		}
		i := m.next
		m.next = (m.next + 1) % len(m.ss)
		s := m.ss[i]
		if s == nil {
			continue
		}
		p := s.PollNext(cx)
		if p.IsItem() {
			return p
		}
		if p.IsEnd() {
			m.ss[i] = nil
			m.live--
		}
	}
	if m.live == 0 {
		m.ss = nil
		return stream.End[T]()
	}
	return stream.Pending[T]()
}

// Abandon passes abandonment down to what it holds (future.Abandoner).
func (m *sMerge[T]) Abandon() {
	abandonAll(&m.ss)
}
