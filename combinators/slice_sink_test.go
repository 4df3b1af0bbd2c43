package combinators_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestSliceSink(t *testing.T) {
	s := combinators.NewSliceSink[string]()
	if _, err := testkit.Run(t, combinators.SinkSendAll[string](s, stream.Of("a", "b"))); err != nil || !s.Closed() {
		t.Fatalf("SinkSendAll() = %v, Closed() = %v; want nil, true", err, s.Closed())
	}
	if !cmp.Equal(s.Items(), []string{"a", "b"}) {
		t.Errorf("Items() = %v; want [a b]", s.Items())
	}
	if _, err := testkit.Run(t, combinators.SinkSend[string](s, "c")); !errors.Is(err, combinators.ErrSinkClosed) {
		t.Errorf("SinkSend() after close = %v; want ErrSinkClosed", err)
	}
	if err := s.StartSend("c"); !errors.Is(err, combinators.ErrSinkClosed) {
		t.Errorf("StartSend() after close = %v; want ErrSinkClosed", err)
	}
}
