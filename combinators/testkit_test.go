package combinators_test

import (
	"errors"

	"github.com/eddyio/eddy/stream"
)

var (
	errBoom  = errors.New("boom")
	errOther = errors.New("other")
	errNil   = errors.New("make the callback return nil")
)

// items returns stream steps holding the values vs.
func items[T any](vs ...T) []stream.Poll[T] {
	ps := make([]stream.Poll[T], len(vs))
	for i, v := range vs {
		ps[i] = stream.Item(v)
	}
	return ps
}

const afterDone = "err " + "future: polled after completion"

// calls counts the calls of a user function.
type calls struct{ n int }

func (c *calls) add() { c.n++ }
