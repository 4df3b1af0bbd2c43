package combinators_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestSinkBuffer(t *testing.T) {
	cx := future.NewContext(&testkit.WakeCounter{}, nil)
	inner := &scriptSink[int]{ready: []sinkStep{sinkPending, sinkPending}}
	b := combinators.SinkBuffer[int](inner, 2)
	var got []string
	for i := range 3 {
		p := b.PollReady(cx)
		got = append(got, testkit.Describe(p))
		if p.IsReady() {
			if err := b.StartSend(i); err != nil {
				t.Fatalf("StartSend(%d) = %v", i, err)
			}
		}
	}
	if err := b.StartSend(9); !errors.Is(err, combinators.ErrSinkFull) {
		t.Errorf("StartSend on a full buffer = %v; want ErrSinkFull", err)
	}
	got = append(got, testkit.Describe(b.PollClose(cx)), testkit.Describe(b.PollClose(cx)))
	want := []string{"ok {}", "ok {}", "pending", "pending", "ok {}"}
	if !cmp.Equal(got, want) || !cmp.Equal(inner.items, []int{0, 1}) {
		t.Errorf("answers %v, inner items %v; want %v, [0 1]", got, inner.items, want)
	}
	if !cmp.Equal(inner.log, []string{"ready", "ready", "ready", "send", "ready", "send", "close"}) {
		t.Errorf("inner calls %v", inner.log)
	}
}

func TestSinkBufferLostItems(t *testing.T) {
	tests := []struct {
		name string
		sink *scriptSink[int]
		want *combinators.LostItemsError
		err  error
	}{
		{name: "not ready", sink: &scriptSink[int]{ready: []sinkStep{sinkOk, sinkFail(errBoom)}}, want: &combinators.LostItemsError{Lost: 2, Err: errBoom}},
		{name: "refused", sink: &scriptSink[int]{sendErr: errBoom}, want: &combinators.LostItemsError{Lost: 3, Err: errBoom}},
		{name: "close fails after delivery", sink: &scriptSink[int]{close: []sinkStep{sinkFail(errBoom)}}, err: errBoom},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := combinators.SinkBuffer[int](tc.sink, 5)
			_, err := testkit.Run(t, combinators.SinkSendAll(b, stream.Of(1, 2, 3)))
			var lost *combinators.LostItemsError
			switch {
			case tc.want != nil:
				if !errors.As(err, &lost) || *lost != *tc.want || !errors.Is(err, tc.want.Err) {
					t.Fatalf("SinkSendAll() = %v; want %v", err, tc.want)
				}
			case err != tc.err:
				t.Fatalf("SinkSendAll() = %v; want %v", err, tc.err)
			}
			if _, again := testkit.Run(t, combinators.SinkSend(b, 4)); again != err {
				t.Errorf("SinkSend() after failure = %v; want the same error %v", again, err)
			}
		})
	}
	if got := (&combinators.LostItemsError{Lost: 2, Err: errBoom}).Error(); got != "combinators: 2 buffered items lost: boom" {
		t.Errorf("Error() = %q", got)
	}
}
