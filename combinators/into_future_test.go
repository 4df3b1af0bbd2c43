package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestIntoFuture(t *testing.T) {
	tests := []struct {
		name  string
		steps []stream.Poll[int]
		want  string // the head's item
		rest  []string
	}{
		{name: "value", steps: items(1, 2), want: "item 1", rest: []string{"item 2", "end"}},
		{name: "pending then error", steps: []stream.Poll[int]{pendingItem(), sErr(errBoom), stream.Item(2)}, want: "err boom", rest: []string{"item 2", "end"}},
		{name: "end", want: "end", rest: []string{"end"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := testkit.NewStream(tc.steps...)
			f := combinators.IntoFuture[int](src)
			if src.Polls != 0 {
				t.Fatalf("building polled the source")
			}
			head, err := testkit.Run(t, f)
			if err != nil || testkit.DescribeItem(head.Item) != tc.want {
				t.Fatalf("Poll() = %s, %v; want %s, nil", testkit.DescribeItem(head.Item), err, tc.want)
			}
			if got := testkit.PollN(t, f, 1); got[0] != afterDone {
				t.Errorf("second Poll() = %s; want %s", got[0], afterDone)
			}
			if diff := cmp.Diff(tc.rest, testkit.Drain(t, head.Rest)); diff != "" {
				t.Errorf("rest mismatch (-want +got):\n%s", diff)
			}
		})
	}
	f := combinators.IntoFuture(stream.Of(1))
	if s, ok := f.Into(); !ok || s == nil {
		t.Errorf("Into() = %v, %v; want the stream, true", s, ok)
	}
	if s, ok := f.Into(); ok || s != nil {
		t.Errorf("second Into() = %v, %v; want nil, false", s, ok)
	}
}
