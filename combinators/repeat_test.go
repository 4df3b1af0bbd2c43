package combinators_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eddyio/eddy/combinators"
	"github.com/eddyio/eddy/internal/testkit"
)

func TestRepeat(t *testing.T) {
	got := testkit.Drain(t, combinators.Take(combinators.Repeat("x"), 3))
	if want := []string{"item x", "item x", "item x", "end"}; !cmp.Equal(got, want) {
		t.Errorf("Take(Repeat(x), 3) = %v; want %v", got, want)
	}
}
