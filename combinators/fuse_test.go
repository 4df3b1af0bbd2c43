package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/internal/taskctx"
	"github.com/eddyio/eddy/internal/testkit"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
)

func TestFuse(t *testing.T) {
	src := testkit.NewFuture(pending(), future.Ok(1))
	f := combinators.Fuse(src)
	w := &testkit.WakeCounter{}
	cx := future.NewContext(w, nil)
	var got []string
	for range 4 {
		taskctx.BeginPoll(cx)
		p := f.Poll(cx)
		got = append(got, testkit.Describe(p))
		if p.IsPending() && !taskctx.WakerTaken(cx) {
			t.Errorf("Poll() #%d took no waker", len(got))
		}
	}
	if diff := cmp.Diff([]string{"pending", "ok 1", "pending", "pending"}, got); diff != "" {
		t.Errorf("Poll() answers mismatch (-want +got):\n%s", diff)
	}
	if !f.Done() || src.Polls != 2 {
		t.Errorf("Done() = %v, source polled %d times; want true, 2", f.Done(), src.Polls)
	}
}
