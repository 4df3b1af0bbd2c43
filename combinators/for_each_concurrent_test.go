package combinators_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
	"github.com/eddyio/eddy/stream"
)

func TestForEachConcurrent(t *testing.T) {
	tests := []struct {
		name    string
		steps   []stream.Poll[int]
		n       int
		want    []string
		wantRan []int
		wantMax int
	}{
		{name: "values", steps: items(3, 0, 2, 0, 1), n: 2, want: []string{"ok {}"}, wantRan: []int{0, 0, 1, 2, 3}, wantMax: 2},
		{name: "unlimited", steps: items(3, 1, 2, 1, 1), n: 0, want: []string{"ok {}"}, wantRan: []int{1, 1, 1, 2, 3}, wantMax: 5},
		{name: "empty", n: 2, want: []string{"ok {}"}},
		{name: "pending source", steps: []stream.Poll[int]{pendingItem(), stream.Item(0)}, n: 2, want: []string{"ok {}"}, wantRan: []int{0}, wantMax: 1},
		{name: "item error ends", steps: []stream.Poll[int]{stream.Item(5), sErr(errBoom), stream.Item(0)}, n: 2, want: []string{"err boom"}},
		{name: "future error ends", steps: items(5, -1, 0), n: 3, want: []string{"err other"}, wantRan: []int{0}, wantMax: 3},
		{name: "nil future", steps: items(5, 99), n: 3, want: []string{"err " + combinators.ErrNilFuture.Error()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := &sGauge{}
			var ran []int
			src := testkit.NewStream(tc.steps...)
			f := combinators.ForEachConcurrent(src, tc.n, func(d int) future.Future[struct{}] {
				switch d {
				case 99:
					return nil
				case -1:
					return &sTracked[struct{}]{f: sFailAfter[struct{}](1, errOther), g: g}
				}
				return &sTracked[struct{}]{f: combinators.Map(sOkAfter(d, d), func(d int) struct{} { ran = append(ran, d); return struct{}{} }), g: g}
			})
			if src.Polls != 0 {
				t.Fatalf("building polled the source")
			}
			got := []string{testkit.Describe(future.Result(testkit.Run(t, f)))}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Poll() mismatch (-want +got):\n%s", diff)
			}
			slices.Sort(ran)
			if !cmp.Equal(ran, tc.wantRan) || g.max != tc.wantMax {
				t.Errorf("ran %v, at most %d at once; want %v, %d", ran, g.max, tc.wantRan, tc.wantMax)
			}
			if p := testkit.PollN(t, f, 1); p[0] != afterDone {
				t.Errorf("Poll() after completion = %s; want %s", p[0], afterDone)
			}
		})
	}
}
