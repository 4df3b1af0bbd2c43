package channel_test

import (
	"testing"
	"time"

	"github.com/eddyio/eddy/channel"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/stream"
)

// onGoroutine runs fn on a new goroutine and returns a channel that yields
// its error.
func onGoroutine(fn func() error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	return done
}

// await waits for done, failing the test after a generous deadline.
func await(t *testing.T, done <-chan error) {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("timed out")
	}
}

// collect is a future of every value of s, in order; it fails on the first
// item error.
type collect[T any] struct {
	s   stream.Stream[T]
	got []T
}

func collectAll[T any](s stream.Stream[T]) *collect[T] { return &collect[T]{s: s} }

func (c *collect[T]) Poll(cx *future.Context) future.Poll[[]T] {
	for {
		p := c.s.PollNext(cx)
		switch {
		case p.IsPending():
			return future.Pending[[]T]()
		case p.IsEnd():
			return future.Ok(c.got)
		case p.Err() != nil:
			return future.Fail[[]T](p.Err())
		}
		c.got = append(c.got, p.Value())
	}
}

// sequence is a future that awaits each future fs returns, one after the
// other, until fs returns nil.
type sequence struct {
	next func() future.Future[struct{}]
	cur  future.Future[struct{}]
}

func sendEach(next func() future.Future[struct{}]) *sequence { return &sequence{next: next} }

func (s *sequence) Poll(cx *future.Context) future.Poll[struct{}] {
	for {
		if s.cur == nil {
			if s.cur = s.next(); s.cur == nil {
				return future.Ok(struct{}{})
			}
		}
		p := s.cur.Poll(cx)
		if p.IsPending() {
			return p
		}
		if p.Err() != nil {
			return p
		}
		s.cur = nil
	}
}

// counter returns a future that awaits send(0), ..., send(n-1) in turn and
// then calls close, which it also calls if a send fails. A send failing with
// ErrClosed ends it quietly when quiet is set.
func counter(n int, send func(int) future.Future[struct{}], close func()) future.Future[struct{}] {
	return produce(n, send, close, false)
}

func produce(n int, send func(int) future.Future[struct{}], close func(), quiet bool) future.Future[struct{}] {
	i := 0
	seq := sendEach(func() future.Future[struct{}] {
		if i == n {
			return nil
		}
		i++
		return send(i - 1)
	})
	return future.PollFn(func(cx *future.Context) future.Poll[struct{}] {
		p := seq.Poll(cx)
		if p.IsReady() {
			close()
			if quiet && p.Err() == channel.ErrClosed {
				return future.Ok(struct{}{})
			}
		}
		return p
	})
}

func ints(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
