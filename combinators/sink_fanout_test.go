package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestSinkFanout(t *testing.T) {
	tests := []struct {
		name   string
		a, b   *scriptSink[int]
		want   string
		itemsA []int
		itemsB []int
	}{
		{name: "both", a: &scriptSink[int]{ready: []sinkStep{sinkPending}}, b: &scriptSink[int]{ready: []sinkStep{sinkOk, sinkPending}, close: []sinkStep{sinkPending}},
			want: "ok {}", itemsA: []int{1, 2}, itemsB: []int{1, 2}},
		{name: "a fails", a: &scriptSink[int]{ready: []sinkStep{sinkOk, sinkFail(errBoom)}}, b: &scriptSink[int]{}, want: "err boom", itemsA: []int{1}, itemsB: []int{1}},
		{name: "b fails", a: &scriptSink[int]{}, b: &scriptSink[int]{close: []sinkStep{sinkFail(errOther)}}, want: "err other", itemsA: []int{1, 2}, itemsB: []int{1, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := combinators.SinkSendAll(combinators.SinkFanout[int](tc.a, tc.b), stream.Of(1, 2))
			if got := testkit.Describe(future.Result(testkit.Run(t, f))); got != tc.want || !cmp.Equal(tc.a.items, tc.itemsA) || !cmp.Equal(tc.b.items, tc.itemsB) {
				t.Errorf("SinkSendAll() = %s, a got %v, b got %v; want %s, %v, %v", got, tc.a.items, tc.b.items, tc.want, tc.itemsA, tc.itemsB)
			}
		})
	}
}
