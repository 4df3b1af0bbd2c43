package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/internal/testkit"
)

func TestSinkSend(t *testing.T) {
	tests := []struct {
		name  string
		sink  *scriptSink[int]
		want  []string
		log   []string
		items []int
	}{
		{name: "ready", sink: &scriptSink[int]{}, want: []string{"ok {}", afterDone}, log: []string{"ready", "send", "flush"}, items: []int{7}},
		{name: "pending", sink: &scriptSink[int]{ready: []sinkStep{sinkPending}, flush: []sinkStep{sinkPending}},
			want: []string{"pending", "pending", "ok {}", afterDone}, log: []string{"ready", "ready", "send", "flush", "flush"}, items: []int{7}},
		{name: "not ready error", sink: &scriptSink[int]{ready: []sinkStep{sinkFail(errBoom)}}, want: []string{"err boom", afterDone}, log: []string{"ready"}},
		{name: "refused", sink: &scriptSink[int]{sendErr: errBoom}, want: []string{"err boom", afterDone}, log: []string{"ready", "send"}},
		{name: "flush error", sink: &scriptSink[int]{flush: []sinkStep{sinkFail(errOther)}}, want: []string{"err other", afterDone}, log: []string{"ready", "send", "flush"}, items: []int{7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := combinators.SinkSend[int](tc.sink, 7)
			if len(tc.sink.log) != 0 {
				t.Fatalf("building used the sink")
			}
			if diff := cmp.Diff(tc.want, testkit.PollN(t, f, len(tc.want))); diff != "" {
				t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
			}
			if !cmp.Equal(tc.sink.log, tc.log) || !cmp.Equal(tc.sink.items, tc.items) {
				t.Errorf("sink calls %v, items %v; want %v, %v", tc.sink.log, tc.sink.items, tc.log, tc.items)
			}
		})
	}
}
