package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

// sGauge counts the futures running at once.
type sGauge struct{ now, max int }

// sTracked is a future that counts itself in a gauge from its first poll
// until it completes.
type sTracked[T any] struct {
	f       future.Future[T]
	g       *sGauge
	started bool
}

func (s *sTracked[T]) Poll(cx *future.Context) future.Poll[T] {
	if !s.started {
		s.started = true
		s.g.now++
		s.g.max = max(s.g.max, s.g.now)
	}
	p := s.f.Poll(cx)
	if p.IsReady() {
		s.g.now--
	}
	return p
}

func TestBufferUnorderedAndBuffered(t *testing.T) {
	// delays[i] is how many pending answers the i-th future gives; the one at
	// index 3 fails.
	delays := []int{4, 1, 2, 1, 3}
	tests := []struct {
		name    string
		build   func(stream.Stream[future.Future[int]], int) stream.Stream[int]
		n       int
		want    []string
		wantMax int
	}{
		{name: "BufferUnordered 2", build: combinators.BufferUnordered[int], n: 2, wantMax: 2,
			want: []string{"item 1", "item 2", "item 0", "err boom", "item 4", "end"}},
		{name: "BufferUnordered 10", build: combinators.BufferUnordered[int], n: 10, wantMax: 5,
			want: []string{"item 1", "err boom", "item 2", "item 4", "item 0", "end"}},
		{name: "BufferUnordered 0", build: combinators.BufferUnordered[int], n: 0, wantMax: 1,
			want: []string{"item 0", "item 1", "item 2", "err boom", "item 4", "end"}},
		{name: "Buffered 2", build: combinators.Buffered[int], n: 2, wantMax: 2,
			want: []string{"item 0", "item 1", "item 2", "err boom", "item 4", "end"}},
		{name: "Buffered 10", build: combinators.Buffered[int], n: 10, wantMax: 5,
			want: []string{"item 0", "item 1", "item 2", "err boom", "item 4", "end"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := &sGauge{}
			var steps []stream.Poll[future.Future[int]]
			for i, d := range delays {
				var f future.Future[int] = sOkAfter(d, i)
				if i == 3 {
					f = sFailAfter[int](d, errBoom)
				}
				steps = append(steps, stream.Item[future.Future[int]](&sTracked[int]{f: f, g: g}))
			}
			src := testkit.NewStream(steps...)
			s := tc.build(src, tc.n)
			if src.Polls != 0 {
				t.Fatalf("building polled the source")
			}
			got := testkit.Drain(t, s)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
			}
			if g.max != tc.wantMax || g.now != 0 {
				t.Errorf("at most %d running, %d left; want %d, 0", g.max, g.now, tc.wantMax)
			}
		})
	}
}

func TestBufferedSourceErrors(t *testing.T) {
	for _, build := range []func(stream.Stream[future.Future[int]], int) stream.Stream[int]{combinators.Buffered[int], combinators.BufferUnordered[int]} {
		src := testkit.NewStream(stream.Fail[future.Future[int]](errOther), stream.Pending[future.Future[int]](),
			stream.Item[future.Future[int]](nil), stream.Item(future.Ready(1)))
		want := []string{"err other", "pending", "err " + combinators.ErrNilFuture.Error(), "item 1", "end", "end"}
		if diff := cmp.Diff(want, testkit.PollStreamN(t, build(src, 3), len(want))); diff != "" {
			t.Errorf("PollNext() answers mismatch (-want +got):\n%s", diff)
		}
	}
}
