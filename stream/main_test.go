package stream_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/eddyio/eddy/internal/leaktest"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestMain(m *testing.M) { os.Exit(leaktest.Check(m)) }

var errBoom = errors.New("boom")

// step is one answer of PollNext, comparable with cmp.
type step[T any] struct {
	Kind string // "item", "end" or "pending"
	Val  T
	Err  error
}

func stepOf[T any](p stream.Poll[T]) step[T] {
	switch {
	case p.IsPending():
		return step[T]{Kind: "pending"}
	case p.IsEnd():
		return step[T]{Kind: "end"}
	}
	v, err := p.Result()
	return step[T]{Kind: "item", Val: v, Err: err}
}

func (s step[T]) String() string {
	if s.Kind != "item" {
		return s.Kind
	}
	return fmt.Sprintf("item(%v, %v)", s.Val, s.Err)
}

func item[T any](v T) step[T]          { return step[T]{Kind: "item", Val: v} }
func itemErr[T any](err error) step[T] { return step[T]{Kind: "item", Err: err} }
func end[T any]() step[T]              { return step[T]{Kind: "end"} }

// drain polls s until it ends (at most limit polls) and returns every
// answer, the end included.
func drain[T any](t *testing.T, s stream.Stream[T], limit int) []step[T] {
	t.Helper()
	cx, _ := testkit.NewContext()
	var got []step[T]
	for range limit {
		st := stepOf(s.PollNext(cx))
		got = append(got, st)
		if st.Kind == "end" {
			return got
		}
	}
	t.Fatalf("stream did not end within %d polls; got %v", limit, got)
	return nil
}

var equateErrors = cmpopts.EquateErrors()

func diff[T any](want, got []step[T]) string { return cmp.Diff(want, got, equateErrors) }
