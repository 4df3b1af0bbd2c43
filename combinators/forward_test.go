package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestForwardAndSinkSendAll(t *testing.T) {
	tests := []struct {
		name  string
		steps []stream.Poll[int]
		sink  *scriptSink[int]
		want  []string
		log   []string
		items []int
	}{
		{name: "values", steps: items(1, 2), sink: &scriptSink[int]{}, want: []string{"ok {}", afterDone},
			log: []string{"ready", "send", "ready", "send", "close"}, items: []int{1, 2}},
		{name: "sink pending", steps: items(1, 2), sink: &scriptSink[int]{ready: []sinkStep{sinkOk, sinkPending}, close: []sinkStep{sinkPending}},
			want: []string{"pending", "pending", "ok {}"}, log: []string{"ready", "send", "ready", "ready", "send", "close", "close"}, items: []int{1, 2}},
		{name: "stream pending flushes once", steps: []stream.Poll[int]{stream.Item(1), pendingItem(), pendingItem(), stream.Item(2)}, sink: &scriptSink[int]{},
			want: []string{"pending", "pending", "ok {}"}, log: []string{"ready", "send", "flush", "ready", "send", "close"}, items: []int{1, 2}},
		{name: "item error", steps: []stream.Poll[int]{stream.Item(1), sErr(errBoom), stream.Item(2)}, sink: &scriptSink[int]{},
			want: []string{"err boom", afterDone}, log: []string{"ready", "send"}, items: []int{1}},
		{name: "sink error", steps: items(1, 2), sink: &scriptSink[int]{ready: []sinkStep{sinkOk, sinkFail(errOther)}},
			want: []string{"err other", afterDone}, log: []string{"ready", "send", "ready"}, items: []int{1}},
		{name: "close error", sink: &scriptSink[int]{close: []sinkStep{sinkFail(errOther)}}, want: []string{"err other", afterDone}, log: []string{"close"}},
	}
	for _, tc := range tests {
		for _, name := range []string{"Forward", "SinkSendAll"} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				sink := *tc.sink
				src := testkit.NewStream(tc.steps...)
				f := combinators.Forward[int](src, &sink)
				if name == "SinkSendAll" {
					f = combinators.SinkSendAll[int](&sink, src)
				}
				if src.Polls != 0 || len(sink.log) != 0 {
					t.Fatalf("building used the stream or the sink")
				}
				if diff := cmp.Diff(tc.want, testkit.PollN(t, f, len(tc.want))); diff != "" {
					t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
				}
				if !cmp.Equal(sink.log, tc.log) || !cmp.Equal(sink.items, tc.items) {
					t.Errorf("sink calls %v, items %v; want %v, %v", sink.log, sink.items, tc.log, tc.items)
				}
			})
		}
	}
}
