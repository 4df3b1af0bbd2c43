package combinators_test

import (
	"testing"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/future"
	"github.com/eddyio/eddy/internal/testkit"
)

// TestPipelineSizes keeps the combinators of examples/echo's pipeline
// (AndThen over the copy, Then at its end) in their size classes, since an
// idle connection holds one of each: AndThen is one interface word (the
// first future, then the one its fn makes) and a func, and so is Then.
// Building AndThen is one allocation.
func TestPipelineSizes(t *testing.T) {
	if n := combinators.AndThenSize; n > 24 {
		t.Errorf("AndThen is %d bytes; want at most 24", n)
	}
	if n := combinators.ThenSize; n > 24 {
		t.Errorf("Then is %d bytes; want at most 24", n)
	}
	first := future.Ready[int64](1)
	next := func(n int64) future.Future[int64] { return future.Ready(n) }
	var f future.Future[int64]
	if n := testing.AllocsPerRun(100, func() { f = combinators.AndThen(first, next) }); n != 1 {
		t.Errorf("AndThen allocates %v times; want 1", n)
	}
	if v, err := testkit.Run(t, f); v != 1 || err != nil {
		t.Errorf("AndThen(Ready(1), Ready) = %d, %v; want 1, nil", v, err)
	}
}
