package combinators_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func sinkFail(err error) sinkStep { return future.Fail[struct{}](err) }

func TestSend(t *testing.T) {
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
			f := combinators.Send[int](tc.sink, 7)
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

func TestForwardAndSendAll(t *testing.T) {
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
		for _, name := range []string{"Forward", "SendAll"} {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				sink := *tc.sink
				src := testkit.NewStream(tc.steps...)
				f := combinators.Forward[int](src, &sink)
				if name == "SendAll" {
					f = combinators.SendAll[int](&sink, src)
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

func TestFlushAndCloseSink(t *testing.T) {
	tests := []struct {
		name  string
		build func(stream.Sink[int]) future.Future[struct{}]
		sink  *scriptSink[int]
		want  []string
		log   []string
	}{
		{name: "Flush", build: combinators.Flush[int], sink: &scriptSink[int]{flush: []sinkStep{sinkPending}}, want: []string{"pending", "ok {}", afterDone}, log: []string{"flush", "flush"}},
		{name: "Flush error", build: combinators.Flush[int], sink: &scriptSink[int]{flush: []sinkStep{sinkFail(errBoom)}}, want: []string{"err boom", afterDone}, log: []string{"flush"}},
		{name: "CloseSink", build: combinators.CloseSink[int], sink: &scriptSink[int]{close: []sinkStep{sinkPending}}, want: []string{"pending", "ok {}", afterDone}, log: []string{"close", "close"}},
		{name: "CloseSink error", build: combinators.CloseSink[int], sink: &scriptSink[int]{close: []sinkStep{sinkFail(errBoom)}}, want: []string{"err boom", afterDone}, log: []string{"close"}},
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

func TestWith(t *testing.T) {
	inner := &scriptSink[string]{}
	c := &calls{}
	sink := combinators.With[string](inner, func(n int) (string, error) {
		c.add()
		if n < 0 {
			return "", errBoom
		}
		return fmt.Sprint(n), nil
	})
	if c.n != 0 {
		t.Fatalf("building called fn")
	}
	if _, err := testkit.Run(t, combinators.SendAll(sink, stream.Of(1, 2))); err != nil {
		t.Fatalf("SendAll() = %v; want nil", err)
	}
	if _, err := testkit.Run(t, combinators.Send(sink, -1)); !errors.Is(err, errBoom) {
		t.Errorf("Send(-1) = %v; want %v", err, errBoom)
	}
	if !cmp.Equal(inner.items, []string{"1", "2"}) || c.n != 3 {
		t.Errorf("inner got %q, fn called %d times; want [1 2], 3", inner.items, c.n)
	}
}

func TestSinkMapErr(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("write: %w", err) }
	tests := []struct {
		name string
		sink *scriptSink[int]
		f    func(stream.Sink[int]) future.Future[struct{}]
		want string
	}{
		{name: "ready", sink: &scriptSink[int]{ready: []sinkStep{sinkFail(errBoom)}}, f: func(s stream.Sink[int]) future.Future[struct{}] { return combinators.Send(s, 1) }, want: "err write: boom"},
		{name: "send", sink: &scriptSink[int]{sendErr: errBoom}, f: func(s stream.Sink[int]) future.Future[struct{}] { return combinators.Send(s, 1) }, want: "err write: boom"},
		{name: "flush", sink: &scriptSink[int]{flush: []sinkStep{sinkPending, sinkFail(errBoom)}}, f: combinators.Flush[int], want: "err write: boom"},
		{name: "close", sink: &scriptSink[int]{close: []sinkStep{sinkFail(errBoom)}}, f: combinators.CloseSink[int], want: "err write: boom"},
		{name: "ok", sink: &scriptSink[int]{}, f: combinators.CloseSink[int], want: "ok {}"},
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

func TestBuffer(t *testing.T) {
	cx := future.NewContext(&testkit.WakeCounter{}, nil)
	inner := &scriptSink[int]{ready: []sinkStep{sinkPending, sinkPending}}
	b := combinators.Buffer[int](inner, 2)
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

func TestBufferLostItems(t *testing.T) {
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
			b := combinators.Buffer[int](tc.sink, 5)
			_, err := testkit.Run(t, combinators.SendAll(b, stream.Of(1, 2, 3)))
			var lost *combinators.LostItemsError
			switch {
			case tc.want != nil:
				if !errors.As(err, &lost) || *lost != *tc.want || !errors.Is(err, tc.want.Err) {
					t.Fatalf("SendAll() = %v; want %v", err, tc.want)
				}
			case err != tc.err:
				t.Fatalf("SendAll() = %v; want %v", err, tc.err)
			}
			if _, again := testkit.Run(t, combinators.Send(b, 4)); again != err {
				t.Errorf("Send() after failure = %v; want the same error %v", again, err)
			}
		})
	}
	if got := (&combinators.LostItemsError{Lost: 2, Err: errBoom}).Error(); got != "combinators: 2 buffered items lost: boom" {
		t.Errorf("Error() = %q", got)
	}
}

func TestFanout(t *testing.T) {
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
			f := combinators.SendAll(combinators.Fanout[int](tc.a, tc.b), stream.Of(1, 2))
			if got := testkit.Describe(future.Result(testkit.Run(t, f))); got != tc.want || !cmp.Equal(tc.a.items, tc.itemsA) || !cmp.Equal(tc.b.items, tc.itemsB) {
				t.Errorf("SendAll() = %s, a got %v, b got %v; want %s, %v, %v", got, tc.a.items, tc.b.items, tc.want, tc.itemsA, tc.itemsB)
			}
		})
	}
}

func TestSliceSink(t *testing.T) {
	s := combinators.NewSliceSink[string]()
	if _, err := testkit.Run(t, combinators.SendAll[string](s, stream.Of("a", "b"))); err != nil || !s.Closed() {
		t.Fatalf("SendAll() = %v, Closed() = %v; want nil, true", err, s.Closed())
	}
	if !cmp.Equal(s.Items(), []string{"a", "b"}) {
		t.Errorf("Items() = %v; want [a b]", s.Items())
	}
	if _, err := testkit.Run(t, combinators.Send[string](s, "c")); !errors.Is(err, combinators.ErrSinkClosed) {
		t.Errorf("Send() after close = %v; want ErrSinkClosed", err)
	}
	if err := s.StartSend("c"); !errors.Is(err, combinators.ErrSinkClosed) {
		t.Errorf("StartSend() after close = %v; want ErrSinkClosed", err)
	}
}
