package combinators_test

import (
	"fmt"
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestSinkMapErr(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("write: %w", err) }
	tests := []struct {
		name string
		sink *scriptSink[int]
		f    func(stream.Sink[int]) future.Future[struct{}]
		want string
	}{
		{name: "ready", sink: &scriptSink[int]{ready: []sinkStep{sinkFail(errBoom)}}, f: func(s stream.Sink[int]) future.Future[struct{}] { return combinators.SinkSend(s, 1) }, want: "err write: boom"},
		{name: "send", sink: &scriptSink[int]{sendErr: errBoom}, f: func(s stream.Sink[int]) future.Future[struct{}] { return combinators.SinkSend(s, 1) }, want: "err write: boom"},
		{name: "flush", sink: &scriptSink[int]{flush: []sinkStep{sinkPending, sinkFail(errBoom)}}, f: combinators.SinkFlush[int], want: "err write: boom"},
		{name: "close", sink: &scriptSink[int]{close: []sinkStep{sinkFail(errBoom)}}, f: combinators.SinkClose[int], want: "err write: boom"},
		{name: "ok", sink: &scriptSink[int]{}, f: combinators.SinkClose[int], want: "ok {}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := testkit.Describe(future.Result(testkit.Run(t, tc.f(combinators.SinkMapErr[int](tc.sink, wrap)))))
			if got != tc.want {
				t.Errorf("Poll() = %s; want %s", got, tc.want)
			}
		})
	}
}
