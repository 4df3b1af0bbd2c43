package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestSinkFlushAndSinkClose(t *testing.T) {
	tests := []struct {
		name  string
		build func(stream.Sink[int]) future.Future[struct{}]
		sink  *scriptSink[int]
		want  []string
		log   []string
	}{
		{name: "SinkFlush", build: combinators.SinkFlush[int], sink: &scriptSink[int]{flush: []sinkStep{sinkPending}}, want: []string{"pending", "ok {}", afterDone}, log: []string{"flush", "flush"}},
		{name: "SinkFlush error", build: combinators.SinkFlush[int], sink: &scriptSink[int]{flush: []sinkStep{sinkFail(errBoom)}}, want: []string{"err boom", afterDone}, log: []string{"flush"}},
		{name: "SinkClose", build: combinators.SinkClose[int], sink: &scriptSink[int]{close: []sinkStep{sinkPending}}, want: []string{"pending", "ok {}", afterDone}, log: []string{"close", "close"}},
		{name: "SinkClose error", build: combinators.SinkClose[int], sink: &scriptSink[int]{close: []sinkStep{sinkFail(errBoom)}}, want: []string{"err boom", afterDone}, log: []string{"close"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.build(tc.sink)
			if len(tc.sink.log) != 0 {
				t.Fatalf("building used the sink")
			}
			if diff := cmp.Diff(tc.want, testkit.PollN(t, f, len(tc.want))); diff != "" {
				t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
			}
			if !cmp.Equal(tc.sink.log, tc.log) {
				t.Errorf("sink calls %v; want %v", tc.sink.log, tc.log)
			}
		})
	}
}
