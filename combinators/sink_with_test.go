package combinators_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestSinkWith(t *testing.T) {
	inner := &scriptSink[string]{}
	c := &calls{}
	sink := combinators.SinkWith[string](inner, func(n int) (string, error) {
		c.add()
		if n < 0 {
			return "", errBoom
		}
		return fmt.Sprint(n), nil
	})
	if c.n != 0 {
		t.Fatalf("building called fn")
	}
	if _, err := testkit.Run(t, combinators.SinkSendAll(sink, stream.Of(1, 2))); err != nil {
		t.Fatalf("SinkSendAll() = %v; want nil", err)
	}
	if _, err := testkit.Run(t, combinators.SinkSend(sink, -1)); !errors.Is(err, errBoom) {
		t.Errorf("SinkSend(-1) = %v; want %v", err, errBoom)
	}
	if !cmp.Equal(inner.items, []string{"1", "2"}) || c.n != 3 {
		t.Errorf("inner got %q, fn called %d times; want [1 2], 3", inner.items, c.n)
	}
}
